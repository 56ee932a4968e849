//! Mechanisms of the Council and the special procedures' mandates.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{MandateScope, MandateStatus, MechanismKind};
use crate::connection::MultiBackend;
use crate::schema::{mandates, mechanisms};
use crate::DbConnection;

/// A mechanism: the UPR, the special procedures, the complaint procedure and its working groups, the Advisory
/// Committee, a forum, an intergovernmental working group or an investigative body.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mechanisms)]
pub struct Mechanism {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub description_en: Option<String>,
    pub description_zh: Option<String>,
    pub country_id: Option<i64>,
    pub established_by_id: Option<i64>,
    pub prevention_dimension: Option<bool>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub ended_on: Option<NaiveDate>,
}

/// Fields a mechanism's update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = mechanisms)]
pub struct MechanismChanges {
    pub description_en: Option<Option<String>>,
    pub description_zh: Option<Option<String>>,
    pub prevention_dimension: Option<Option<bool>>,
    pub ended_on: Option<Option<NaiveDate>>,
}

/// Filters on the list of mechanisms.
#[derive(Debug, Clone, Default)]
pub struct MechanismFilter {
    pub kind: Option<MechanismKind>,
    pub prevention_dimension: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
}

fn mechanisms_filtered(filter: &MechanismFilter) -> mechanisms::BoxedQuery<'static, MultiBackend> {
    let mut query = mechanisms::table.into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(mechanisms::kind.eq(kind.as_str()));
    }
    if let Some(prevention) = filter.prevention_dimension {
        query = query.filter(mechanisms::prevention_dimension.eq(prevention));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(mechanisms::updated_at.ge(since));
    }
    query
}

impl Mechanism {
    super::page::keyed_list!(Mechanism, mechanisms, MechanismFilter, mechanisms_filtered);
    pub fn kind(&self) -> MechanismKind {
        MechanismKind::from_db(&self.kind)
    }

    /// Applies changes if the row is still at `expected_version`, with its audit record.
    pub fn update(
        conn: &mut DbConnection,
        key: &str,
        expected_version: i32,
        changes: &MechanismChanges,
        audit: &crate::audit::Entry,
    ) -> Result<Mechanism, super::WriteError> {
        super::write::versioned_update!(conn, mechanisms, Mechanism, key, expected_version, changes, audit)
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Mechanism>> {
        mechanisms::table.filter(mechanisms::id.eq_any(ids)).select(Mechanism::as_select()).load(conn)
    }

    /// The mechanisms several resolutions established, at once.
    pub fn established_by(conn: &mut DbConnection, resolution_ids: &[i64]) -> QueryResult<Vec<Mechanism>> {
        mechanisms::table
            .filter(mechanisms::established_by_id.eq_any(resolution_ids))
            .order(mechanisms::id)
            .select(Mechanism::as_select())
            .load(conn)
    }

    /// The sub-mechanisms of several mechanisms at once.
    pub fn children_of(conn: &mut DbConnection, parent_ids: &[i64]) -> QueryResult<Vec<Mechanism>> {
        mechanisms::table
            .filter(mechanisms::parent_id.eq_any(parent_ids))
            .order(mechanisms::id)
            .select(Mechanism::as_select())
            .load(conn)
    }
}

/// A special-procedure mandate.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mandates)]
pub struct Mandate {
    pub id: i64,
    pub key: String,
    pub mechanism_id: i64,
    pub scope: String,
    pub form: String,
    pub country_id: Option<i64>,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub established_by_id: Option<i64>,
    pub status: String,
    pub term_ends_on: Option<NaiveDate>,
    pub prevention_dimension: Option<bool>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// A mandate to create.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = mandates)]
pub struct NewMandate {
    pub key: String,
    pub mechanism_id: i64,
    pub scope: String,
    pub form: String,
    pub country_id: Option<i64>,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub established_by_id: Option<i64>,
    pub status: String,
    pub term_ends_on: Option<NaiveDate>,
    pub prevention_dimension: Option<bool>,
    pub source: String,
}

/// Fields a mandate's update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = mandates)]
pub struct MandateChanges {
    pub name_en: Option<String>,
    pub name_zh: Option<Option<String>>,
    pub status: Option<String>,
    pub term_ends_on: Option<Option<NaiveDate>>,
    pub prevention_dimension: Option<Option<bool>>,
}

/// Filters on the list of mandates.
#[derive(Debug, Clone, Default)]
pub struct MandateFilter {
    pub scope: Option<MandateScope>,
    pub status: Option<MandateStatus>,
    pub country_id: Option<i64>,
    pub prevention_dimension: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
}

fn mandates_filtered(filter: &MandateFilter) -> mandates::BoxedQuery<'static, MultiBackend> {
    let mut query = mandates::table.into_boxed();
    if let Some(scope) = filter.scope {
        query = query.filter(mandates::scope.eq(scope.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(mandates::status.eq(status.as_str()));
    }
    if let Some(country) = filter.country_id {
        query = query.filter(mandates::country_id.eq(country));
    }
    if let Some(prevention) = filter.prevention_dimension {
        query = query.filter(mandates::prevention_dimension.eq(prevention));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(mandates::updated_at.ge(since));
    }
    query
}

impl MandateFilter {
    /// Whether `mandate` passes the filter: [`mandates_filtered`]'s conditions, for a copy of the table in memory.
    pub fn matches(&self, mandate: &Mandate) -> bool {
        self.scope.is_none_or(|scope| mandate.scope == scope.as_str())
            && self.status.is_none_or(|status| mandate.status == status.as_str())
            && self.country_id.is_none_or(|country| mandate.country_id == Some(country))
            && self.prevention_dimension.is_none_or(|prevention| mandate.prevention_dimension == Some(prevention))
            && self.updated_since.is_none_or(|since| mandate.updated_at >= since)
    }
}

impl Mandate {
    super::page::keyed_list!(Mandate, mandates, MandateFilter, mandates_filtered);
    pub fn scope(&self) -> MandateScope {
        MandateScope::from_db(&self.scope)
    }

    pub fn status(&self) -> MandateStatus {
        MandateStatus::from_db(&self.status)
    }

    pub fn form(&self) -> super::MandateForm {
        super::MandateForm::from_db(&self.form)
    }

    /// Creates a mandate, with its audit record.
    pub fn create(
        conn: &mut DbConnection,
        new: &NewMandate,
        audit: &crate::audit::Entry,
    ) -> Result<Mandate, super::WriteError> {
        super::write::audited_insert!(conn, mandates, Mandate, &new.key, new, audit)
    }

    /// Applies changes if the row is still at `expected_version`, with its audit record.
    pub fn update(
        conn: &mut DbConnection,
        key: &str,
        expected_version: i32,
        changes: &MandateChanges,
        audit: &crate::audit::Entry,
    ) -> Result<Mandate, super::WriteError> {
        super::write::versioned_update!(conn, mandates, Mandate, key, expected_version, changes, audit)
    }

    /// Records a renewal by a resolution and moves the term's end, if the row is still at `expected_version`.
    pub fn renew(
        conn: &mut DbConnection,
        key: &str,
        expected_version: i32,
        resolution_id: i64,
        renewed_until: NaiveDate,
        audit: &crate::audit::Entry,
    ) -> Result<Mandate, super::WriteError> {
        use crate::schema::mandate_renewals;
        conn.transaction(|conn| {
            let changes = MandateChanges { term_ends_on: Some(Some(renewed_until)), ..Default::default() };
            let mandate =
                super::write::versioned_update!(conn, mandates, Mandate, key, expected_version, &changes, audit)?;
            diesel::insert_into(mandate_renewals::table)
                .values((
                    mandate_renewals::mandate_id.eq(mandate.id),
                    mandate_renewals::resolution_id.eq(resolution_id),
                    mandate_renewals::renewed_until.eq(Some(renewed_until)),
                    mandate_renewals::source.eq(format!("recorded through the API by {}", audit.actor)),
                ))
                .execute(conn)?;
            Ok(mandate)
        })
    }

    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Mandate>> {
        mandates::table.filter(mandates::id.eq_any(ids)).select(Mandate::as_select()).load(conn)
    }

    /// The mandates several resolutions established, at once.
    pub fn established_by(conn: &mut DbConnection, resolution_ids: &[i64]) -> QueryResult<Vec<Mandate>> {
        mandates::table
            .filter(mandates::established_by_id.eq_any(resolution_ids))
            .order(mandates::id)
            .select(Mandate::as_select())
            .load(conn)
    }

    /// The mandates several resolutions renewed, at once, with the renewing resolution's id.
    pub fn renewed_by(conn: &mut DbConnection, resolution_ids: &[i64]) -> QueryResult<Vec<(i64, Mandate)>> {
        use crate::schema::mandate_renewals;
        mandate_renewals::table
            .inner_join(mandates::table.on(mandates::id.eq(mandate_renewals::mandate_id)))
            .filter(mandate_renewals::resolution_id.eq_any(resolution_ids))
            .order(mandates::id)
            .select((mandate_renewals::resolution_id, Mandate::as_select()))
            .load(conn)
    }

    /// The mandates of several mechanisms at once.
    pub fn of_mechanisms(conn: &mut DbConnection, mechanism_ids: &[i64]) -> QueryResult<Vec<Mandate>> {
        mandates::table
            .filter(mandates::mechanism_id.eq_any(mechanism_ids))
            .order(mandates::id)
            .select(Mandate::as_select())
            .load(conn)
    }
}
