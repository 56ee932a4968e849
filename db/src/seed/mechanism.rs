//! Seed loaders of the mechanisms, the special procedures' mandates and their holders.

use std::collections::HashMap;

use crate::models::{HolderRole, MandateForm, MandateScope, MandateStatus, MechanismKind};
use crate::schema::{mandate_holders, mandates, mechanisms};
use crate::DbConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::{
    date, id_map, invalid, iso_ids, lookup, plan, records, symbol_ids, Change, SeedError, SeedReport, MANDATES,
    MANDATE_HOLDERS, MECHANISMS,
};

#[derive(Debug, Deserialize)]
pub(super) struct MechanismRecord {
    key: String,
    kind: String,
    parent: Option<String>,
    name_en: String,
    name_zh: Option<String>,
    description_en: Option<String>,
    description_zh: Option<String>,
    country: Option<String>,
    established_by: Option<String>,
    prevention_dimension: Option<bool>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = mechanisms, treat_none_as_null = true)]
pub(super) struct NewMechanism {
    key: String,
    kind: String,
    parent_id: Option<i64>,
    name_en: String,
    name_zh: Option<String>,
    description_en: Option<String>,
    description_zh: Option<String>,
    country_id: Option<i64>,
    established_by_id: Option<i64>,
    prevention_dimension: Option<bool>,
    source: String,
}

/// Mechanisms, in file order: a parent comes before its children, so each child finds its parent's id.
pub(super) fn load_mechanisms(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "mechanisms.csv";
    let countries = iso_ids(conn)?;
    let symbols = symbol_ids(conn)?;
    let mut existing: HashMap<String, (i64, NewMechanism)> = mechanisms::table
        .select((
            mechanisms::id,
            (
                mechanisms::key,
                mechanisms::kind,
                mechanisms::parent_id,
                mechanisms::name_en,
                mechanisms::name_zh,
                mechanisms::description_en,
                mechanisms::description_zh,
                mechanisms::country_id,
                mechanisms::established_by_id,
                mechanisms::prevention_dimension,
                mechanisms::source,
            ),
        ))
        .load::<(i64, NewMechanism)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    for (i, r) in records::<MechanismRecord>(FILE, MECHANISMS)?.into_iter().enumerate() {
        MechanismKind::parse(&r.kind).ok_or_else(|| invalid(FILE, i, format!("kind {:?}", r.kind)))?;
        let keys: HashMap<String, i64> = existing.iter().map(|(k, (id, _))| (k.clone(), *id)).collect();
        let row = NewMechanism {
            parent_id: lookup(FILE, i, "mechanism (parents come first)", &keys, r.parent.as_deref())?,
            country_id: lookup(FILE, i, "country", &countries, r.country.as_deref())?,
            established_by_id: lookup(FILE, i, "resolution", &symbols, r.established_by.as_deref())?,
            key: r.key,
            kind: r.kind,
            name_en: r.name_en,
            name_zh: r.name_zh,
            description_en: r.description_en,
            description_zh: r.description_zh,
            prevention_dimension: r.prevention_dimension,
            source: r.source,
        };
        let changes = plan(
            existing.iter().filter(|(k, _)| **k == row.key).map(|(k, v)| (k.clone(), v.clone())).collect(),
            vec![(row.key.clone(), row.clone())],
            report,
        );
        apply!(conn, mechanisms, changes, stamp, report, versioned);
        if !existing.contains_key(&row.key) {
            let id =
                mechanisms::table.filter(mechanisms::key.eq(&row.key)).select(mechanisms::id).first::<i64>(conn)?;
            existing.insert(row.key.clone(), (id, row));
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
pub(super) struct MandateRecord {
    key: String,
    mechanism: String,
    scope: String,
    form: String,
    country: Option<String>,
    name_en: String,
    name_zh: Option<String>,
    established_by: Option<String>,
    status: String,
    term_ends_on: Option<String>,
    prevention_dimension: Option<bool>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = mandates, treat_none_as_null = true)]
pub(super) struct NewMandate {
    key: String,
    mechanism_id: i64,
    scope: String,
    form: String,
    country_id: Option<i64>,
    name_en: String,
    name_zh: Option<String>,
    established_by_id: Option<i64>,
    status: String,
    term_ends_on: Option<NaiveDate>,
    prevention_dimension: Option<bool>,
    source: String,
}

pub(super) fn load_mandates(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "mandates.csv";
    let countries = iso_ids(conn)?;
    let symbols = symbol_ids(conn)?;
    let mechanisms_by_key =
        id_map(mechanisms::table.select((mechanisms::id, mechanisms::key)).load::<(i64, String)>(conn)?);
    let mut desired = Vec::new();
    for (i, r) in records::<MandateRecord>(FILE, MANDATES)?.into_iter().enumerate() {
        let scope = MandateScope::parse(&r.scope).ok_or_else(|| invalid(FILE, i, format!("scope {:?}", r.scope)))?;
        MandateForm::parse(&r.form).ok_or_else(|| invalid(FILE, i, format!("form {:?}", r.form)))?;
        MandateStatus::parse(&r.status).ok_or_else(|| invalid(FILE, i, format!("status {:?}", r.status)))?;
        if (scope == MandateScope::Country) != r.country.is_some() {
            return Err(invalid(FILE, i, "a country mandate names its country, and only a country mandate does"));
        }
        let row = NewMandate {
            mechanism_id: lookup(FILE, i, "mechanism", &mechanisms_by_key, Some(&r.mechanism))?.unwrap_or_default(),
            country_id: lookup(FILE, i, "country", &countries, r.country.as_deref())?,
            established_by_id: lookup(FILE, i, "resolution", &symbols, r.established_by.as_deref())?,
            term_ends_on: date(FILE, i, r.term_ends_on.as_deref())?,
            key: r.key,
            scope: r.scope,
            form: r.form,
            name_en: r.name_en,
            name_zh: r.name_zh,
            status: r.status,
            prevention_dimension: r.prevention_dimension,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    let existing = mandates::table
        .select((
            mandates::id,
            (
                mandates::key,
                mandates::mechanism_id,
                mandates::scope,
                mandates::form,
                mandates::country_id,
                mandates::name_en,
                mandates::name_zh,
                mandates::established_by_id,
                mandates::status,
                mandates::term_ends_on,
                mandates::prevention_dimension,
                mandates::source,
            ),
        ))
        .load::<(i64, NewMandate)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, mandates, plan(existing, desired, report), stamp, report, versioned);
    Ok(())
}

#[derive(Debug, Deserialize)]
pub(super) struct HolderRecord {
    key: String,
    mandate: String,
    name: String,
    role: String,
    starts_on: String,
    ends_on: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = mandate_holders, treat_none_as_null = true)]
pub(super) struct SeedHolder {
    key: String,
    mandate_id: i64,
    name: String,
    role: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    fictional: bool,
    source: String,
}

/// Mandate holders: public facts, each citing its source.
pub(super) fn load_holders(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "mandate_holders.csv";
    let mandate_ids = id_map(mandates::table.select((mandates::id, mandates::key)).load(conn)?);
    let mut desired = Vec::new();
    for (i, r) in records::<HolderRecord>(FILE, MANDATE_HOLDERS)?.into_iter().enumerate() {
        HolderRole::parse(&r.role).ok_or_else(|| invalid(FILE, i, format!("role {:?}", r.role)))?;
        let row = SeedHolder {
            mandate_id: lookup(FILE, i, "mandate", &mandate_ids, Some(&r.mandate))?
                .ok_or_else(|| invalid(FILE, i, "no mandate"))?,
            starts_on: date(FILE, i, Some(&r.starts_on))?.ok_or_else(|| invalid(FILE, i, "no start date"))?,
            ends_on: date(FILE, i, r.ends_on.as_deref())?,
            key: r.key,
            name: r.name,
            role: r.role,
            fictional: false,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    let keys: Vec<String> = desired.iter().map(|(k, _)| k.clone()).collect();
    let existing = mandate_holders::table
        .filter(mandate_holders::key.eq_any(&keys))
        .select((
            mandate_holders::id,
            (
                mandate_holders::key,
                mandate_holders::mandate_id,
                mandate_holders::name,
                mandate_holders::role,
                mandate_holders::starts_on,
                mandate_holders::ends_on,
                mandate_holders::fictional,
                mandate_holders::source,
            ),
        ))
        .load::<(i64, SeedHolder)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, mandate_holders, plan(existing, desired, report), stamp, report, versioned);
    Ok(())
}
