//! Recommendations, their SDG targets, and the append-only history of their implementation.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

use super::{ImplementationStatus, Page, PageRequest, Response};
use crate::connection::MultiBackend;
use crate::schema::{implementation_reports, recommendation_sdg_targets, recommendations, sdg_goals, sdg_targets};
use crate::DbConnection;

diesel::define_sql_function! {
    /// SQL `lower()`, so that text search is case-insensitive on both backends (SQLite's LIKE is, PostgreSQL's is not).
    fn lower(text: Nullable<Text>) -> Nullable<Text>;
}

/// A recommendation of a mechanism, a mandate, a treaty body or a report.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = recommendations)]
pub struct Recommendation {
    pub id: i64,
    pub key: String,
    pub source_kind: String,
    pub mechanism_id: Option<i64>,
    pub mandate_id: Option<i64>,
    pub report_id: Option<i64>,
    pub paragraph: Option<String>,
    pub addressee: String,
    pub country_id: Option<i64>,
    pub recommending_country_id: Option<i64>,
    pub upr_cycle: Option<i32>,
    pub session_id: Option<i64>,
    pub response: Option<String>,
    pub text_en: Option<String>,
    pub text_zh: Option<String>,
    pub priority: bool,
    pub cluster: Option<String>,
    pub fictional: bool,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Filters on the list of recommendations (all optional; given ones must all hold).
#[derive(Debug, Clone, Default)]
pub struct RecommendationFilter {
    pub country_id: Option<i64>,
    pub recommending_country_id: Option<i64>,
    pub mechanism_id: Option<i64>,
    pub mandate_id: Option<i64>,
    pub report_id: Option<i64>,
    pub upr_cycle: Option<i32>,
    pub session_id: Option<i64>,
    pub response: Option<Response>,
    pub sdg_goal: Option<i32>,
    pub sdg_target: Option<String>,
    /// The current status: that of the latest implementation report.
    pub implementation_status: Option<ImplementationStatus>,
    /// Words the English or Chinese text contains (case-insensitive).
    pub search: Option<String>,
    pub fictional: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
}

/// `LIKE` pattern matching `term` anywhere, with `%`, `_` and `\` taken literally.
fn contains_pattern(term: &str) -> String {
    let escaped = term.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn filtered(filter: &RecommendationFilter) -> recommendations::BoxedQuery<'static, MultiBackend> {
    let mut query = recommendations::table.into_boxed();
    if let Some(id) = filter.country_id {
        query = query.filter(recommendations::country_id.eq(id));
    }
    if let Some(id) = filter.recommending_country_id {
        query = query.filter(recommendations::recommending_country_id.eq(id));
    }
    if let Some(id) = filter.mechanism_id {
        query = query.filter(recommendations::mechanism_id.eq(id));
    }
    if let Some(id) = filter.mandate_id {
        query = query.filter(recommendations::mandate_id.eq(id));
    }
    if let Some(id) = filter.report_id {
        query = query.filter(recommendations::report_id.eq(id));
    }
    if let Some(cycle) = filter.upr_cycle {
        query = query.filter(recommendations::upr_cycle.eq(cycle));
    }
    if let Some(id) = filter.session_id {
        query = query.filter(recommendations::session_id.eq(id));
    }
    if let Some(response) = filter.response {
        query = query.filter(recommendations::response.eq(response.as_str()));
    }
    if let Some(goal) = filter.sdg_goal {
        let ids = recommendation_sdg_targets::table
            .inner_join(sdg_targets::table.inner_join(sdg_goals::table))
            .filter(sdg_goals::number.eq(goal))
            .select(recommendation_sdg_targets::recommendation_id);
        query = query.filter(recommendations::id.eq_any(ids));
    }
    if let Some(code) = &filter.sdg_target {
        let ids = recommendation_sdg_targets::table
            .inner_join(sdg_targets::table)
            .filter(sdg_targets::code.eq(code.clone()))
            .select(recommendation_sdg_targets::recommendation_id);
        query = query.filter(recommendations::id.eq_any(ids));
    }
    if let Some(status) = filter.implementation_status {
        // The current status is the latest report's (by date, then by id): derived here, never stored.
        query = query.filter(
            sql::<Bool>(
                "recommendations.id IN (SELECT r.recommendation_id FROM implementation_reports r WHERE r.status = ",
            )
            .bind::<Text, _>(status.as_str())
            .sql(
                " AND NOT EXISTS (SELECT 1 FROM implementation_reports l WHERE l.recommendation_id = r.recommendation_id \
                 AND (l.reported_on > r.reported_on OR (l.reported_on = r.reported_on AND l.id > r.id))))",
            ),
        );
    }
    if let Some(term) = &filter.search {
        let pattern = contains_pattern(term);
        query = query.filter(
            lower(recommendations::text_en)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(recommendations::text_zh).like(pattern).escape('\\')),
        );
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(recommendations::fictional.eq(fictional));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(recommendations::updated_at.ge(since));
    }
    query
}

impl Recommendation {
    pub fn page(
        conn: &mut DbConnection,
        filter: &RecommendationFilter,
        page: &PageRequest,
    ) -> QueryResult<Page<Recommendation>> {
        let mut query = filtered(filter).select(Recommendation::as_select());
        if let Some(after) = page.after {
            query = query.filter(recommendations::id.gt(after));
        }
        if let Some(before) = page.before {
            query = query.filter(recommendations::id.lt(before));
        }
        query = if page.from_end {
            query.order(recommendations::id.desc())
        } else {
            query.order(recommendations::id.asc())
        };
        Ok(Page::from_probe(query.limit(page.limit + 1).load(conn)?, page))
    }

    pub fn count(conn: &mut DbConnection, filter: &RecommendationFilter) -> QueryResult<i64> {
        filtered(filter).count().get_result(conn)
    }

    pub fn by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<Recommendation>> {
        recommendations::table
            .filter(recommendations::key.eq(key))
            .select(Recommendation::as_select())
            .first(conn)
            .optional()
    }

    /// The SDG target ids of several recommendations at once, as (recommendation, target) pairs.
    pub fn sdg_target_links(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, super::SdgTarget)>> {
        recommendation_sdg_targets::table
            .inner_join(sdg_targets::table)
            .filter(recommendation_sdg_targets::recommendation_id.eq_any(ids))
            .order(sdg_targets::id)
            .select((recommendation_sdg_targets::recommendation_id, super::SdgTarget::as_select()))
            .load(conn)
    }
}

/// One report on a recommendation's implementation. Rows are never updated or deleted (the database refuses).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = implementation_reports)]
pub struct ImplementationReport {
    pub id: i64,
    pub recommendation_id: i64,
    pub status: String,
    pub reported_on: NaiveDate,
    pub source_kind: String,
    pub evidence: Option<String>,
    pub fictional: bool,
    pub created_at: NaiveDateTime,
}

/// A report to append.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = implementation_reports)]
pub struct NewImplementationReport {
    pub recommendation_id: i64,
    pub status: String,
    pub reported_on: NaiveDate,
    pub source_kind: String,
    pub evidence: Option<String>,
    pub fictional: bool,
    pub created_at: NaiveDateTime,
}

impl ImplementationReport {
    pub fn status(&self) -> ImplementationStatus {
        ImplementationStatus::from_db(&self.status)
    }

    pub fn source_kind(&self) -> super::ImplementationSource {
        super::ImplementationSource::from_db(&self.source_kind)
    }

    /// The histories of several recommendations at once, oldest first.
    pub fn of_recommendations(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<ImplementationReport>> {
        implementation_reports::table
            .filter(implementation_reports::recommendation_id.eq_any(ids))
            .order((
                implementation_reports::recommendation_id,
                implementation_reports::reported_on,
                implementation_reports::id,
            ))
            .select(ImplementationReport::as_select())
            .load(conn)
    }

    /// Appends a report and returns its id.
    pub fn append(conn: &mut DbConnection, report: &NewImplementationReport) -> QueryResult<i64> {
        diesel::insert_into(implementation_reports::table)
            .values(report)
            .returning(implementation_reports::id)
            .get_result(conn)
    }
}
