//! Country situations before the Council, with the bodies that follow them, their briefings and good-offices
//! missions; and States' standing invitations to the special procedures.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::SituationEventKind;
use crate::connection::MultiBackend;
use crate::schema::{country_situations, situation_bodies, situation_events, standing_invitations};
use crate::DbConnection;

/// A country situation the Council considers.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = country_situations)]
pub struct CountrySituation {
    pub id: i64,
    pub key: String,
    pub country_id: i64,
    pub agenda_item: Option<i32>,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub summary_en: Option<String>,
    pub fictional: bool,
    pub version: i32,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Filters on country situations.
#[derive(Debug, Clone, Default)]
pub struct SituationFilter {
    pub country_id: Option<i64>,
    pub agenda_item: Option<i32>,
    pub fictional: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
}

fn filtered(filter: &SituationFilter) -> country_situations::BoxedQuery<'static, MultiBackend> {
    let mut query = country_situations::table.into_boxed();
    if let Some(country) = filter.country_id {
        query = query.filter(country_situations::country_id.eq(country));
    }
    if let Some(item) = filter.agenda_item {
        query = query.filter(country_situations::agenda_item.eq(item));
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(country_situations::fictional.eq(fictional));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(country_situations::updated_at.ge(since));
    }
    query
}

impl CountrySituation {
    super::page::keyed_list!(CountrySituation, country_situations, SituationFilter, filtered);

    /// The situations of several countries at once.
    pub fn of_countries(conn: &mut DbConnection, country_ids: &[i64]) -> QueryResult<Vec<CountrySituation>> {
        country_situations::table
            .filter(country_situations::country_id.eq_any(country_ids))
            .order(country_situations::id)
            .select(CountrySituation::as_select())
            .load(conn)
    }
}

/// A body that follows a situation: a country mandate or an investigative body (a mechanism).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = situation_bodies)]
pub struct SituationBody {
    pub id: i64,
    pub situation_id: i64,
    pub mechanism_id: Option<i64>,
    pub mandate_id: Option<i64>,
    pub source: String,
}

impl SituationBody {
    pub fn of_situations(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<SituationBody>> {
        situation_bodies::table
            .filter(situation_bodies::situation_id.eq_any(ids))
            .order(situation_bodies::id)
            .select(SituationBody::as_select())
            .load(conn)
    }
}

/// A briefing to the Council or a good-offices mission on a situation.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = situation_events)]
pub struct SituationEvent {
    pub id: i64,
    pub key: String,
    pub situation_id: i64,
    pub kind: String,
    pub year: Option<i32>,
    pub held_on: Option<NaiveDate>,
    pub session_id: Option<i64>,
    pub mandate_id: Option<i64>,
    pub report_id: Option<i64>,
    pub description_en: Option<String>,
    pub description_zh: Option<String>,
    pub fictional: bool,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SituationEvent {
    pub fn kind(&self) -> SituationEventKind {
        SituationEventKind::from_db(&self.kind)
    }

    pub fn of_situations(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<SituationEvent>> {
        situation_events::table
            .filter(situation_events::situation_id.eq_any(ids))
            .order((
                situation_events::situation_id,
                situation_events::year,
                situation_events::held_on,
                situation_events::id,
            ))
            .select(SituationEvent::as_select())
            .load(conn)
    }
}

/// A State's standing invitation to all thematic special procedures.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = standing_invitations)]
pub struct StandingInvitation {
    pub id: i64,
    pub country_id: i64,
    pub extended_on: Option<NaiveDate>,
    pub fictional: bool,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl StandingInvitation {
    pub fn of_countries(conn: &mut DbConnection, country_ids: &[i64]) -> QueryResult<Vec<StandingInvitation>> {
        standing_invitations::table
            .filter(standing_invitations::country_id.eq_any(country_ids))
            .select(StandingInvitation::as_select())
            .load(conn)
    }

    /// Records a country's standing invitation (replacing the one held), with its audit record.
    pub fn record(
        conn: &mut DbConnection,
        country_id: i64,
        extended_on: Option<NaiveDate>,
        source: &str,
        audit: &crate::audit::Entry,
    ) -> QueryResult<StandingInvitation> {
        conn.transaction(|conn| {
            let now = chrono::Utc::now().naive_utc();
            let updated =
                diesel::update(standing_invitations::table.filter(standing_invitations::country_id.eq(country_id)))
                    .set((
                        standing_invitations::extended_on.eq(extended_on),
                        standing_invitations::source.eq(source),
                        standing_invitations::fictional.eq(false),
                        standing_invitations::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            if updated == 0 {
                diesel::insert_into(standing_invitations::table)
                    .values((
                        standing_invitations::country_id.eq(country_id),
                        standing_invitations::extended_on.eq(extended_on),
                        standing_invitations::fictional.eq(false),
                        standing_invitations::source.eq(source),
                        standing_invitations::created_at.eq(now),
                        standing_invitations::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            audit.write(conn, now)?;
            standing_invitations::table
                .filter(standing_invitations::country_id.eq(country_id))
                .select(StandingInvitation::as_select())
                .first(conn)
        })
    }

    /// Withdraws a country's standing invitation, with its audit record; false if it had none.
    pub fn withdraw(conn: &mut DbConnection, country_id: i64, audit: &crate::audit::Entry) -> QueryResult<bool> {
        conn.transaction(|conn| {
            let deleted =
                diesel::delete(standing_invitations::table.filter(standing_invitations::country_id.eq(country_id)))
                    .execute(conn)?;
            if deleted > 0 {
                audit.write(conn, chrono::Utc::now().naive_utc())?;
            }
            Ok(deleted > 0)
        })
    }
}
