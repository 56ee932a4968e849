//! Reference data: regional groups, countries, sessions, SDG goals and targets.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{SessionBody, UnStatus};
use crate::schema::{countries, regional_groups, sdg_goals, sdg_targets, sessions};
use crate::DbConnection;

/// One of the five UN regional groups.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = regional_groups)]
pub struct RegionalGroup {
    pub id: i64,
    pub code: String,
    pub name_en: String,
    pub name_zh: String,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl RegionalGroup {
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<RegionalGroup>> {
        regional_groups::table.order(regional_groups::id).select(RegionalGroup::as_select()).load(conn)
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<RegionalGroup>> {
        regional_groups::table.filter(regional_groups::id.eq_any(ids)).select(RegionalGroup::as_select()).load(conn)
    }

    pub fn by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<RegionalGroup>> {
        regional_groups::table
            .filter(regional_groups::code.eq(code))
            .select(RegionalGroup::as_select())
            .first(conn)
            .optional()
    }
}

/// A UN member or observer State.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = countries)]
pub struct Country {
    pub id: i64,
    pub iso3: String,
    pub name_en: String,
    pub name_zh: String,
    pub un_status: String,
    pub regional_group_id: Option<i64>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Filters on the list of countries.
#[derive(Debug, Clone, Default)]
pub struct CountryFilter {
    pub regional_group_id: Option<i64>,
    pub un_status: Option<UnStatus>,
    /// Only States that have (true) or have not (false) extended a standing invitation.
    pub standing_invitation: Option<bool>,
}

impl Country {
    pub fn un_status(&self) -> UnStatus {
        UnStatus::from_db(&self.un_status)
    }

    /// Every ISO 3166-1 alpha-3 code held, in order.
    pub fn iso_codes(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
        countries::table.select(countries::iso3).order(countries::iso3).load(conn)
    }

    /// Countries in ISO-code order.
    pub fn list(conn: &mut DbConnection, filter: &CountryFilter) -> QueryResult<Vec<Country>> {
        let mut query = countries::table.select(Country::as_select()).into_boxed();
        if let Some(group) = filter.regional_group_id {
            query = query.filter(countries::regional_group_id.eq(group));
        }
        if let Some(status) = filter.un_status {
            query = query.filter(countries::un_status.eq(status.as_str()));
        }
        if let Some(invited) = filter.standing_invitation {
            use crate::schema::standing_invitations;
            let ids = standing_invitations::table.select(standing_invitations::country_id);
            query =
                if invited { query.filter(countries::id.eq_any(ids)) } else { query.filter(countries::id.ne_all(ids)) };
        }
        query.order(countries::iso3).load(conn)
    }

    pub fn by_iso3(conn: &mut DbConnection, iso3: &str) -> QueryResult<Option<Country>> {
        countries::table.filter(countries::iso3.eq(iso3)).select(Country::as_select()).first(conn).optional()
    }

    pub fn by_iso3s(conn: &mut DbConnection, codes: &[String]) -> QueryResult<Vec<Country>> {
        countries::table.filter(countries::iso3.eq_any(codes)).select(Country::as_select()).load(conn)
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Country>> {
        countries::table.filter(countries::id.eq_any(ids)).select(Country::as_select()).load(conn)
    }

    /// The countries of several regional groups at once (for batching), in ISO-code order.
    pub fn by_group_ids(conn: &mut DbConnection, group_ids: &[i64]) -> QueryResult<Vec<Country>> {
        countries::table
            .filter(countries::regional_group_id.eq_any(group_ids))
            .order(countries::iso3)
            .select(Country::as_select())
            .load(conn)
    }
}

/// A session of the Council or of the UPR Working Group.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub body: String,
    pub number: i32,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Session {
    pub fn body(&self) -> SessionBody {
        SessionBody::from_db(&self.body)
    }

    /// Sessions in (body, number) order.
    pub fn list(conn: &mut DbConnection, body: Option<SessionBody>) -> QueryResult<Vec<Session>> {
        let mut query = sessions::table.select(Session::as_select()).into_boxed();
        if let Some(body) = body {
            query = query.filter(sessions::body.eq(body.as_str()));
        }
        query.order((sessions::body, sessions::number)).load(conn)
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Session>> {
        sessions::table.filter(sessions::id.eq_any(ids)).select(Session::as_select()).load(conn)
    }

    pub fn by_number(conn: &mut DbConnection, body: SessionBody, number: i32) -> QueryResult<Option<Session>> {
        sessions::table
            .filter(sessions::body.eq(body.as_str()))
            .filter(sessions::number.eq(number))
            .select(Session::as_select())
            .first(conn)
            .optional()
    }
}

/// A Sustainable Development Goal.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sdg_goals)]
pub struct SdgGoal {
    pub id: i64,
    pub number: i32,
    pub name_en: String,
    pub name_zh: String,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SdgGoal {
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<SdgGoal>> {
        sdg_goals::table.order(sdg_goals::number).select(SdgGoal::as_select()).load(conn)
    }

    pub fn by_number(conn: &mut DbConnection, number: i32) -> QueryResult<Option<SdgGoal>> {
        sdg_goals::table.filter(sdg_goals::number.eq(number)).select(SdgGoal::as_select()).first(conn).optional()
    }
}

/// A target of an SDG (`16.10`, `16.a`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sdg_targets)]
pub struct SdgTarget {
    pub id: i64,
    pub code: String,
    pub goal_id: i64,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SdgTarget {
    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<SdgTarget>> {
        sdg_targets::table.filter(sdg_targets::id.eq_any(ids)).select(SdgTarget::as_select()).load(conn)
    }

    pub fn by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<SdgTarget>> {
        sdg_targets::table.filter(sdg_targets::code.eq(code)).select(SdgTarget::as_select()).first(conn).optional()
    }

    /// The targets of several goals at once, in id (that is, official) order.
    pub fn by_goal_ids(conn: &mut DbConnection, goal_ids: &[i64]) -> QueryResult<Vec<SdgTarget>> {
        sdg_targets::table
            .filter(sdg_targets::goal_id.eq_any(goal_ids))
            .order(sdg_targets::id)
            .select(SdgTarget::as_select())
            .load(conn)
    }
}

/// Every row of the small reference tables a page shows beside its own rows: countries, mechanisms, thesaurus terms
/// and SDG targets, and the mandates and their holders, for a cache in memory. A few hundred rows each in the
/// Council's data.
#[derive(Debug, Default)]
pub struct ReferenceRows {
    pub countries: Vec<Country>,
    pub mechanisms: Vec<super::Mechanism>,
    pub terms: Vec<super::ThesaurusTerm>,
    pub sdg_targets: Vec<SdgTarget>,
    /// Every mandate, in id order.
    pub mandates: Vec<super::Mandate>,
    /// Every mandate's holders, in [`super::MandateHolder::of_mandates`]'s order.
    pub holders: Vec<super::MandateHolder>,
}

impl ReferenceRows {
    /// Reads them all; `None` when a table holds more than `most` rows, which a cache in memory should not copy.
    pub fn load(conn: &mut DbConnection, most: usize) -> QueryResult<Option<ReferenceRows>> {
        use crate::schema::{mandate_holders, mandates, mechanisms, thesaurus_terms};
        let limit = i64::try_from(most).unwrap_or(i64::MAX - 1) + 1;
        let rows = ReferenceRows {
            countries: countries::table.order(countries::id).limit(limit).select(Country::as_select()).load(conn)?,
            mechanisms: mechanisms::table
                .order(mechanisms::id)
                .limit(limit)
                .select(super::Mechanism::as_select())
                .load(conn)?,
            terms: thesaurus_terms::table
                .order(thesaurus_terms::id)
                .limit(limit)
                .select(super::ThesaurusTerm::as_select())
                .load(conn)?,
            sdg_targets: sdg_targets::table
                .order(sdg_targets::id)
                .limit(limit)
                .select(SdgTarget::as_select())
                .load(conn)?,
            mandates: mandates::table
                .order(mandates::id)
                .limit(limit)
                .select(super::Mandate::as_select())
                .load(conn)?,
            holders: mandate_holders::table
                .order((mandate_holders::mandate_id, mandate_holders::starts_on, mandate_holders::id))
                .limit(limit)
                .select(super::MandateHolder::as_select())
                .load(conn)?,
        };
        let largest = [
            rows.countries.len(),
            rows.mechanisms.len(),
            rows.terms.len(),
            rows.sdg_targets.len(),
            rows.mandates.len(),
            rows.holders.len(),
        ]
        .into_iter()
        .max();
        Ok((largest.unwrap_or(0) <= most).then_some(rows))
    }
}
