//! Mandate holders and the resolutions that renewed a mandate.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::HolderRole;
use crate::schema::{mandate_holders, mandate_renewals, resolutions};
use crate::DbConnection;

/// A person who holds (or held) a mandate, with their role and term.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mandate_holders)]
pub struct MandateHolder {
    pub id: i64,
    pub key: String,
    pub mandate_id: i64,
    pub name: String,
    pub role: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub fictional: bool,
    pub version: i32,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A holder to add.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = mandate_holders)]
pub struct NewMandateHolder {
    pub key: String,
    pub mandate_id: i64,
    pub name: String,
    pub role: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub fictional: bool,
    pub source: String,
}

/// Fields a holder's update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = mandate_holders)]
pub struct HolderChanges {
    pub name: Option<String>,
    pub ends_on: Option<Option<NaiveDate>>,
}

impl MandateHolder {
    /// Adds a holder, with its audit record.
    pub fn create(
        conn: &mut DbConnection,
        new: &NewMandateHolder,
        audit: &crate::audit::Entry,
    ) -> Result<MandateHolder, super::WriteError> {
        super::write::audited_insert!(conn, mandate_holders, MandateHolder, &new.key, new, audit)
    }

    /// Applies changes if the row is still at `expected_version`, with its audit record.
    pub fn update(
        conn: &mut DbConnection,
        key: &str,
        expected_version: i32,
        changes: &HolderChanges,
        audit: &crate::audit::Entry,
    ) -> Result<MandateHolder, super::WriteError> {
        super::write::versioned_update!(conn, mandate_holders, MandateHolder, key, expected_version, changes, audit)
    }

    pub fn role(&self) -> HolderRole {
        HolderRole::from_db(&self.role)
    }

    /// Whether the holder is in office on `day`.
    pub fn serving_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|end| day <= end)
    }

    /// The holders of several mandates at once, earliest term first within each.
    pub fn of_mandates(conn: &mut DbConnection, mandate_ids: &[i64]) -> QueryResult<Vec<MandateHolder>> {
        mandate_holders::table
            .filter(mandate_holders::mandate_id.eq_any(mandate_ids))
            .order((mandate_holders::mandate_id, mandate_holders::starts_on, mandate_holders::id))
            .select(MandateHolder::as_select())
            .load(conn)
    }

    pub fn by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<MandateHolder>> {
        mandate_holders::table
            .filter(mandate_holders::key.eq(key))
            .select(MandateHolder::as_select())
            .first(conn)
            .optional()
    }
}

/// A resolution that renewed a mandate.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mandate_renewals)]
pub struct MandateRenewal {
    pub mandate_id: i64,
    pub resolution_id: i64,
    pub renewed_until: Option<NaiveDate>,
    pub source: String,
}

impl MandateRenewal {
    /// The renewals of several mandates at once, oldest resolution first.
    pub fn of_mandates(conn: &mut DbConnection, mandate_ids: &[i64]) -> QueryResult<Vec<MandateRenewal>> {
        mandate_renewals::table
            .inner_join(resolutions::table)
            .filter(mandate_renewals::mandate_id.eq_any(mandate_ids))
            .order((mandate_renewals::mandate_id, resolutions::adopted_on, resolutions::id))
            .select(MandateRenewal::as_select())
            .load(conn)
    }
}
