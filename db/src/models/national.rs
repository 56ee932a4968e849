//! National mechanisms for implementation, reporting and follow-up (NMIRFs), and the virtual knowledge hub where
//! they share good practices (resolution 51/33 para 5).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::recommendation::contains_pattern;
use super::recommendation::lower;
use super::{KnowledgeKind, NationalMechanismKind};
use crate::connection::MultiBackend;
use crate::schema::{
    action_plans, cluster_recommendations, countries, knowledge_item_terms, knowledge_items,
    national_mechanism_participants, national_mechanisms, recommendation_clusters,
};
use crate::DbConnection;

/// A national mechanism for implementation, reporting and follow-up.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = national_mechanisms)]
pub struct NationalMechanism {
    pub id: i64,
    pub key: String,
    pub country_id: i64,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub kind: String,
    pub established_on: Option<NaiveDate>,
    pub fictional: bool,
    pub version: i32,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Filters on national mechanisms.
#[derive(Debug, Clone, Default)]
pub struct NationalMechanismFilter {
    pub country_id: Option<i64>,
    pub regional_group_id: Option<i64>,
    pub kind: Option<NationalMechanismKind>,
    pub fictional: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
}

fn mechanisms_filtered(filter: &NationalMechanismFilter) -> national_mechanisms::BoxedQuery<'static, MultiBackend> {
    let mut query = national_mechanisms::table.into_boxed();
    if let Some(country) = filter.country_id {
        query = query.filter(national_mechanisms::country_id.eq(country));
    }
    if let Some(group) = filter.regional_group_id {
        let members = countries::table.filter(countries::regional_group_id.eq(group)).select(countries::id);
        query = query.filter(national_mechanisms::country_id.eq_any(members));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(national_mechanisms::kind.eq(kind.as_str()));
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(national_mechanisms::fictional.eq(fictional));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(national_mechanisms::updated_at.ge(since));
    }
    query
}

impl NationalMechanism {
    super::page::keyed_list!(NationalMechanism, national_mechanisms, NationalMechanismFilter, mechanisms_filtered);
    pub fn kind(&self) -> NationalMechanismKind {
        NationalMechanismKind::from_db(&self.kind)
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<NationalMechanism>> {
        national_mechanisms::table
            .filter(national_mechanisms::id.eq_any(ids))
            .select(NationalMechanism::as_select())
            .load(conn)
    }

    pub fn of_countries(conn: &mut DbConnection, country_ids: &[i64]) -> QueryResult<Vec<NationalMechanism>> {
        national_mechanisms::table
            .filter(national_mechanisms::country_id.eq_any(country_ids))
            .order(national_mechanisms::id)
            .select(NationalMechanism::as_select())
            .load(conn)
    }
}

/// A participant in a national mechanism.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = national_mechanism_participants)]
pub struct Participant {
    pub id: i64,
    pub national_mechanism_id: i64,
    pub name: String,
    pub kind: String,
    pub role: String,
    pub source: String,
}

impl Participant {
    pub fn of_mechanisms(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Participant>> {
        national_mechanism_participants::table
            .filter(national_mechanism_participants::national_mechanism_id.eq_any(ids))
            .order(national_mechanism_participants::id)
            .select(Participant::as_select())
            .load(conn)
    }
}

/// A national action plan a mechanism follows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = action_plans)]
pub struct ActionPlan {
    pub id: i64,
    pub key: String,
    pub national_mechanism_id: i64,
    pub title: String,
    pub adopted_on: Option<NaiveDate>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub source: String,
}

impl ActionPlan {
    pub fn of_mechanisms(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<ActionPlan>> {
        action_plans::table
            .filter(action_plans::national_mechanism_id.eq_any(ids))
            .order(action_plans::id)
            .select(ActionPlan::as_select())
            .load(conn)
    }
}

/// A cluster of recommendations a national mechanism follows up together.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = recommendation_clusters)]
pub struct RecommendationCluster {
    pub id: i64,
    pub national_mechanism_id: i64,
    pub name: String,
    pub theme_id: Option<i64>,
    pub lead: Option<String>,
    pub source: String,
}

impl RecommendationCluster {
    pub fn of_mechanisms(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<RecommendationCluster>> {
        recommendation_clusters::table
            .filter(recommendation_clusters::national_mechanism_id.eq_any(ids))
            .order(recommendation_clusters::id)
            .select(RecommendationCluster::as_select())
            .load(conn)
    }

    /// The recommendation ids of several clusters, as (cluster, recommendation) pairs.
    pub fn recommendation_links(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
        cluster_recommendations::table
            .filter(cluster_recommendations::cluster_id.eq_any(ids))
            .order((cluster_recommendations::cluster_id, cluster_recommendations::recommendation_id))
            .select((cluster_recommendations::cluster_id, cluster_recommendations::recommendation_id))
            .load(conn)
    }
}

/// An entry of the knowledge hub.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = knowledge_items)]
pub struct KnowledgeItem {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub body_en: Option<String>,
    pub body_zh: Option<String>,
    pub country_id: Option<i64>,
    pub regional_group_id: Option<i64>,
    pub national_mechanism_id: Option<i64>,
    pub report_id: Option<i64>,
    pub shared_on: Option<NaiveDate>,
    pub fictional: bool,
    pub version: i32,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Filters on the knowledge hub.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeFilter {
    pub kind: Option<KnowledgeKind>,
    pub theme_id: Option<i64>,
    /// Items of the region, or of a country in it.
    pub regional_group_id: Option<i64>,
    pub country_id: Option<i64>,
    pub search: Option<String>,
    pub fictional: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
}

fn items_filtered(filter: &KnowledgeFilter) -> knowledge_items::BoxedQuery<'static, MultiBackend> {
    let mut query = knowledge_items::table.into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(knowledge_items::kind.eq(kind.as_str()));
    }
    if let Some(term) = filter.theme_id {
        let ids = knowledge_item_terms::table
            .filter(knowledge_item_terms::term_id.eq(term))
            .select(knowledge_item_terms::item_id);
        query = query.filter(knowledge_items::id.eq_any(ids));
    }
    if let Some(group) = filter.regional_group_id {
        let members = countries::table.filter(countries::regional_group_id.eq(group)).select(countries::id.nullable());
        query =
            query.filter(knowledge_items::regional_group_id.eq(group).or(knowledge_items::country_id.eq_any(members)));
    }
    if let Some(country) = filter.country_id {
        query = query.filter(knowledge_items::country_id.eq(country));
    }
    if let Some(term) = &filter.search {
        let pattern = contains_pattern(term);
        query = query.filter(
            lower(knowledge_items::title_en.nullable())
                .like(pattern.clone())
                .escape('\\')
                .or(lower(knowledge_items::title_zh).like(pattern.clone()).escape('\\'))
                .or(lower(knowledge_items::body_en).like(pattern.clone()).escape('\\'))
                .or(lower(knowledge_items::body_zh).like(pattern).escape('\\')),
        );
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(knowledge_items::fictional.eq(fictional));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(knowledge_items::updated_at.ge(since));
    }
    query
}

impl KnowledgeItem {
    super::page::keyed_list!(KnowledgeItem, knowledge_items, KnowledgeFilter, items_filtered);
    pub fn kind(&self) -> KnowledgeKind {
        KnowledgeKind::from_db(&self.kind)
    }

    /// The thesaurus terms of several items at once, as (item, term) pairs.
    pub fn term_links(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, super::ThesaurusTerm)>> {
        knowledge_item_terms::table
            .inner_join(crate::schema::thesaurus_terms::table)
            .filter(knowledge_item_terms::item_id.eq_any(ids))
            .order(crate::schema::thesaurus_terms::id)
            .select((knowledge_item_terms::item_id, super::ThesaurusTerm::as_select()))
            .load(conn)
    }
}
