//! The thesaurus recommendations are indexed by: themes and groups of affected persons.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::TermFacet;
use crate::connection::MultiBackend;
use crate::schema::{recommendation_terms, thesaurus_terms};
use crate::DbConnection;

/// A term of the thesaurus: a theme (such as prevention) or a group of affected persons (such as children).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = thesaurus_terms)]
pub struct ThesaurusTerm {
    pub id: i64,
    pub key: String,
    pub facet: String,
    pub name_en: String,
    pub name_zh: String,
    pub description_en: Option<String>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Filters on the thesaurus.
#[derive(Debug, Clone, Default)]
pub struct TermFilter {
    pub facet: Option<TermFacet>,
    pub updated_since: Option<NaiveDateTime>,
}

fn filtered(filter: &TermFilter) -> thesaurus_terms::BoxedQuery<'static, MultiBackend> {
    let mut query = thesaurus_terms::table.into_boxed();
    if let Some(facet) = filter.facet {
        query = query.filter(thesaurus_terms::facet.eq(facet.as_str()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(thesaurus_terms::updated_at.ge(since));
    }
    query
}

impl ThesaurusTerm {
    super::page::keyed_list!(ThesaurusTerm, thesaurus_terms, TermFilter, filtered);
    pub fn facet(&self) -> TermFacet {
        TermFacet::from_db(&self.facet)
    }

    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<ThesaurusTerm>> {
        thesaurus_terms::table.order(thesaurus_terms::id).select(ThesaurusTerm::as_select()).load(conn)
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<ThesaurusTerm>> {
        thesaurus_terms::table.filter(thesaurus_terms::id.eq_any(ids)).select(ThesaurusTerm::as_select()).load(conn)
    }

    /// The terms of several recommendations at once, as (recommendation, term) pairs in thesaurus order.
    pub fn of_recommendations(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, ThesaurusTerm)>> {
        recommendation_terms::table
            .inner_join(thesaurus_terms::table)
            .filter(recommendation_terms::recommendation_id.eq_any(ids))
            .order(thesaurus_terms::id)
            .select((recommendation_terms::recommendation_id, ThesaurusTerm::as_select()))
            .load(conn)
    }
}
