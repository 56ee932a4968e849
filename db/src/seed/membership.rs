//! Seed loaders of Council membership terms given by a source (as opposed to the terms derived from roll calls,
//! which `resolution::membership::derive` writes), and of the other names sources give States.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use crate::schema::{council_memberships, country_aliases};
use crate::DbConnection;

use super::{
    date, invalid, iso_ids, plan, records, Change, SeedError, SeedReport, COUNCIL_MEMBERSHIPS, COUNTRY_ALIASES,
};

#[derive(Debug, Deserialize)]
struct MembershipRecord {
    iso3: String,
    starts_on: String,
    ends_on: String,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = council_memberships)]
struct NewMembership {
    country_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    derived: bool,
    source: String,
}

pub(super) fn load_memberships(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "council_memberships.csv";
    let countries = iso_ids(conn)?;
    let mut desired = Vec::new();
    for (i, r) in records::<MembershipRecord>(FILE, COUNCIL_MEMBERSHIPS)?.into_iter().enumerate() {
        let country_id = *countries.get(&r.iso3).ok_or_else(|| invalid(FILE, i, format!("no country {:?}", r.iso3)))?;
        let starts_on = date(FILE, i, Some(&r.starts_on))?.unwrap_or_default();
        let ends_on = date(FILE, i, Some(&r.ends_on))?.unwrap_or_default();
        if ends_on < starts_on {
            return Err(invalid(FILE, i, "a term ends before it starts"));
        }
        let row = NewMembership { country_id, starts_on, ends_on, derived: false, source: r.source };
        desired.push(((country_id, starts_on), row));
    }
    let existing: HashMap<(i64, NaiveDate), (i64, NewMembership)> = council_memberships::table
        .filter(council_memberships::derived.eq(false))
        .select((
            council_memberships::id,
            (
                council_memberships::country_id,
                council_memberships::starts_on,
                council_memberships::ends_on,
                council_memberships::derived,
                council_memberships::source,
            ),
        ))
        .load::<(i64, NewMembership)>(conn)?
        .into_iter()
        .map(|(id, row)| ((row.country_id, row.starts_on), (id, row)))
        .collect();
    apply!(conn, council_memberships, plan(existing, desired, report), stamp, report);
    Ok(())
}

#[derive(Debug, Deserialize)]
struct AliasRecord {
    name: String,
    iso3: String,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = country_aliases)]
struct NewAlias {
    country_id: i64,
    name: String,
    source: String,
}

pub(super) fn load_aliases(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "country_aliases.csv";
    let countries = iso_ids(conn)?;
    let mut desired = Vec::new();
    for (i, r) in records::<AliasRecord>(FILE, COUNTRY_ALIASES)?.into_iter().enumerate() {
        let country_id = *countries.get(&r.iso3).ok_or_else(|| invalid(FILE, i, format!("no country {:?}", r.iso3)))?;
        desired.push((r.name.clone(), NewAlias { country_id, name: r.name, source: r.source }));
    }
    let existing: HashMap<String, (i64, NewAlias)> = country_aliases::table
        .select((country_aliases::id, (country_aliases::country_id, country_aliases::name, country_aliases::source)))
        .load::<(i64, NewAlias)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.name.clone(), (id, row)))
        .collect();
    apply!(conn, country_aliases, plan(existing, desired, report), stamp, report);
    Ok(())
}
