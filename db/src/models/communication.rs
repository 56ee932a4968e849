//! Special-procedure communications: allegation letters, urgent appeals and other letters, joint or not, with the
//! State's reply.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::CommunicationKind;
use crate::connection::MultiBackend;
use crate::schema::{communication_mandates, communications};
use crate::DbConnection;

/// A communication sent by one or more mandates.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = communications)]
pub struct Communication {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub country_id: Option<i64>,
    pub sent_on: NaiveDate,
    pub summary_en: Option<String>,
    pub summary_zh: Option<String>,
    pub reply_received_on: Option<NaiveDate>,
    pub reply_summary: Option<String>,
    pub fictional: bool,
    pub version: i32,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Filters on communications.
#[derive(Debug, Clone, Default)]
pub struct CommunicationFilter {
    pub mandate_id: Option<i64>,
    pub country_id: Option<i64>,
    pub kind: Option<CommunicationKind>,
    /// Sent in this year.
    pub year: Option<i32>,
    /// Only those with (true) or without (false) a reply.
    pub replied: Option<bool>,
    /// Only joint communications (more than one mandate), or only single ones.
    pub joint: Option<bool>,
    pub fictional: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
}

fn filtered(filter: &CommunicationFilter) -> communications::BoxedQuery<'static, MultiBackend> {
    let mut query = communications::table.into_boxed();
    if let Some(mandate) = filter.mandate_id {
        let ids = communication_mandates::table
            .filter(communication_mandates::mandate_id.eq(mandate))
            .select(communication_mandates::communication_id);
        query = query.filter(communications::id.eq_any(ids));
    }
    if let Some(country) = filter.country_id {
        query = query.filter(communications::country_id.eq(country));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(communications::kind.eq(kind.as_str()));
    }
    if let Some(year) = filter.year {
        if let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        {
            query = query.filter(communications::sent_on.between(first, last));
        }
    }
    match filter.replied {
        Some(true) => query = query.filter(communications::reply_received_on.is_not_null()),
        Some(false) => query = query.filter(communications::reply_received_on.is_null()),
        None => {}
    }
    if let Some(joint) = filter.joint {
        let joint_ids = communication_mandates::table
            .group_by(communication_mandates::communication_id)
            .having(diesel::dsl::count_star().gt(1))
            .select(communication_mandates::communication_id);
        query = if joint {
            query.filter(communications::id.eq_any(joint_ids))
        } else {
            query.filter(communications::id.ne_all(joint_ids))
        };
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(communications::fictional.eq(fictional));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(communications::updated_at.ge(since));
    }
    query
}

impl Communication {
    super::page::keyed_list!(Communication, communications, CommunicationFilter, filtered);

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Communication>> {
        communications::table
            .filter(communications::id.eq_any(ids.to_vec()))
            .select(Communication::as_select())
            .load(conn)
    }
    pub fn kind(&self) -> CommunicationKind {
        CommunicationKind::from_db(&self.kind)
    }

    /// The mandates of several communications at once, as (communication, mandate) id pairs.
    pub fn mandate_links(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
        communication_mandates::table
            .filter(communication_mandates::communication_id.eq_any(ids))
            .order((communication_mandates::communication_id, communication_mandates::mandate_id))
            .select((communication_mandates::communication_id, communication_mandates::mandate_id))
            .load(conn)
    }
}
