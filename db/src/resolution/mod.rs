//! Resolutions, their recorded votes and sponsors, Council membership, the dashboards' voting aggregates, the
//! import of the library's voting records, and reports.

pub mod import;
pub mod membership;
pub mod voting;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

pub use membership::CouncilMembership;

use crate::models::page::keyset_page;
pub use crate::models::ResolutionKind;
use crate::models::{AdoptionMethod, Organ, Page, PageRequest, ResolutionStatus, Vote};
use crate::schema::{reports, resolution_sponsors, resolution_votes, resolutions};
use crate::DbConnection;

/// A resolution (or a draft whose symbol is not yet known).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resolutions)]
pub struct Resolution {
    pub id: i64,
    pub key: String,
    pub symbol: Option<String>,
    pub organ: String,
    pub session_id: Option<i64>,
    pub agenda_item: Option<i32>,
    pub title_en: Option<String>,
    pub title_zh: Option<String>,
    pub status: String,
    pub adopted_on: Option<NaiveDate>,
    pub meeting: Option<String>,
    pub adoption_method: Option<String>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub kind: String,
    pub special_session: Option<i32>,
    pub agenda_title: Option<String>,
    pub subject: Option<String>,
    pub main_sponsors: Option<String>,
    pub official_yes: Option<i32>,
    pub official_no: Option<i32>,
    pub official_abstain: Option<i32>,
    pub official_non_voting: Option<i32>,
    pub tally_disagrees: bool,
    pub concerns_id: Option<i64>,
}

/// Filters on the list of resolutions.
#[derive(Debug, Clone, Default)]
pub struct ResolutionFilter {
    pub organ: Option<Organ>,
    pub session_id: Option<i64>,
    pub status: Option<ResolutionStatus>,
    /// Only resolutions changed at or after this instant (for incremental sync).
    pub updated_since: Option<NaiveDateTime>,
    pub kind: Option<ResolutionKind>,
    /// Adopted (or voted on) on or after this day.
    pub from: Option<NaiveDate>,
    /// Adopted (or voted on) on or before this day.
    pub to: Option<NaiveDate>,
    pub agenda_item: Option<i32>,
    /// The subject, compared without regard to case.
    pub subject: Option<String>,
    /// Only texts whose official totals and roll call disagree (or agree).
    pub tally_disagrees: Option<bool>,
}

type BoxedResolutions<'a> = resolutions::BoxedQuery<'a, crate::connection::MultiBackend>;

fn filtered(filter: &ResolutionFilter) -> BoxedResolutions<'static> {
    let mut query = resolutions::table.into_boxed();
    if let Some(organ) = filter.organ {
        query = query.filter(resolutions::organ.eq(organ.as_str()));
    }
    if let Some(session) = filter.session_id {
        query = query.filter(resolutions::session_id.eq(session));
    }
    if let Some(status) = filter.status {
        query = query.filter(resolutions::status.eq(status.as_str()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(resolutions::updated_at.ge(since));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(resolutions::kind.eq(kind.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(resolutions::adopted_on.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(resolutions::adopted_on.le(to));
    }
    if let Some(item) = filter.agenda_item {
        query = query.filter(resolutions::agenda_item.eq(item));
    }
    if let Some(subject) = &filter.subject {
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("UPPER(subject) = ")
                .bind::<diesel::sql_types::Text, _>(subject.to_uppercase()),
        );
    }
    if let Some(flag) = filter.tally_disagrees {
        query = query.filter(resolutions::tally_disagrees.eq(flag));
    }
    query
}

impl Resolution {
    pub fn organ(&self) -> Organ {
        Organ::from_db(&self.organ)
    }

    pub fn status(&self) -> ResolutionStatus {
        ResolutionStatus::from_db(&self.status)
    }

    pub fn adoption_method(&self) -> Option<AdoptionMethod> {
        self.adoption_method.as_deref().map(AdoptionMethod::from_db)
    }

    pub fn kind(&self) -> ResolutionKind {
        ResolutionKind::from_db(&self.kind)
    }

    /// The official yes, no and abstain totals, when the record gives them.
    pub fn official_tally(&self) -> Option<(i32, i32, i32)> {
        Some((self.official_yes?, self.official_no?, self.official_abstain?))
    }

    /// The texts that concern this one (amendments and revisions of a draft), by id.
    pub fn concerning(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Resolution>> {
        resolutions::table
            .filter(resolutions::concerns_id.eq_any(ids))
            .order(resolutions::id)
            .select(Resolution::as_select())
            .load(conn)
    }

    /// One keyset page of the filtered list, in id order.
    pub fn page(
        conn: &mut DbConnection,
        filter: &ResolutionFilter,
        page: &PageRequest,
    ) -> QueryResult<Page<Resolution>> {
        keyset_page!(
            conn,
            filtered(filter).select(Resolution::as_select()),
            resolutions::id,
            resolutions::updated_at,
            page
        )
    }

    /// How many resolutions match the filter.
    pub fn count(conn: &mut DbConnection, filter: &ResolutionFilter) -> QueryResult<i64> {
        filtered(filter).count().get_result(conn)
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Resolution>> {
        resolutions::table.filter(resolutions::id.eq_any(ids)).select(Resolution::as_select()).load(conn)
    }

    pub fn by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<Resolution>> {
        resolutions::table.filter(resolutions::key.eq(key)).select(Resolution::as_select()).first(conn).optional()
    }

    pub fn by_symbol(conn: &mut DbConnection, symbol: &str) -> QueryResult<Option<Resolution>> {
        resolutions::table.filter(resolutions::symbol.eq(symbol)).select(Resolution::as_select()).first(conn).optional()
    }
}

/// One member's vote on a resolution.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resolution_votes)]
pub struct ResolutionVote {
    pub resolution_id: i64,
    pub country_id: i64,
    pub vote: String,
    pub source: String,
}

impl ResolutionVote {
    pub fn vote(&self) -> Vote {
        Vote::from_db(&self.vote)
    }

    /// The votes on several resolutions at once.
    pub fn by_resolution_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<ResolutionVote>> {
        resolution_votes::table
            .filter(resolution_votes::resolution_id.eq_any(ids))
            .select(ResolutionVote::as_select())
            .load(conn)
    }
}

/// A sponsor of a resolution or draft.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resolution_sponsors)]
pub struct ResolutionSponsor {
    pub resolution_id: i64,
    pub country_id: i64,
    pub council_member: bool,
    pub source: String,
    /// A main sponsor, as the record names them (the others co-sponsored).
    pub main: bool,
}

impl ResolutionSponsor {
    pub fn by_resolution_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<ResolutionSponsor>> {
        resolution_sponsors::table
            .filter(resolution_sponsors::resolution_id.eq_any(ids))
            .select(ResolutionSponsor::as_select())
            .load(conn)
    }
}

/// A report (of a mechanism, the High Commissioner, the Secretary-General...).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct Report {
    pub id: i64,
    pub symbol: String,
    pub title_en: Option<String>,
    pub title_zh: Option<String>,
    pub author: Option<String>,
    pub session_id: Option<i64>,
    pub agenda_item: Option<i32>,
    pub published_on: Option<NaiveDate>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The resolution that requested it, where a source says.
    pub requested_by_id: Option<i64>,
}

impl Report {
    /// Reports in symbol order.
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Report>> {
        reports::table.order(reports::symbol).select(Report::as_select()).load(conn)
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Report>> {
        reports::table.filter(reports::id.eq_any(ids)).select(Report::as_select()).load(conn)
    }

    /// The reports several resolutions requested, at once.
    pub fn requested_by(conn: &mut DbConnection, resolution_ids: &[i64]) -> QueryResult<Vec<Report>> {
        reports::table
            .filter(reports::requested_by_id.eq_any(resolution_ids))
            .order(reports::symbol)
            .select(Report::as_select())
            .load(conn)
    }

    pub fn by_symbol(conn: &mut DbConnection, symbol: &str) -> QueryResult<Option<Report>> {
        reports::table.filter(reports::symbol.eq(symbol)).select(Report::as_select()).first(conn).optional()
    }
}
