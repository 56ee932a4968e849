//! Seed loaders of the funds and the complaint procedure's public figures.

use crate::schema::{complaint_public_figures, funds};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::{invalid, plan, records, Change, SeedError, SeedReport, COMPLAINT_PUBLIC_FIGURES, FUNDS};

#[derive(Debug, Clone, PartialEq, Deserialize, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = complaint_public_figures, treat_none_as_null = true)]
pub(super) struct NewPublicFigure {
    key: String,
    value: i32,
    qualifier: String,
    unit: String,
    as_of_year: i32,
    label_en: String,
    label_zh: Option<String>,
    source: String,
}

/// The published figures of the confidential complaint procedure (public facts, each with its source).
pub(super) fn load_complaint_figures(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "complaint_public_figures.csv";
    let mut desired = Vec::new();
    for (i, row) in records::<NewPublicFigure>(FILE, COMPLAINT_PUBLIC_FIGURES)?.into_iter().enumerate() {
        if !matches!(row.qualifier.as_str(), "EXACTLY" | "MORE_THAN") {
            return Err(invalid(FILE, i, format!("qualifier {:?}", row.qualifier)));
        }
        if !matches!(row.unit.as_str(), "SITUATIONS" | "COUNTRIES" | "PERCENT") {
            return Err(invalid(FILE, i, format!("unit {:?}", row.unit)));
        }
        desired.push((row.key.clone(), row));
    }
    let existing = complaint_public_figures::table
        .select((
            complaint_public_figures::id,
            (
                complaint_public_figures::key,
                complaint_public_figures::value,
                complaint_public_figures::qualifier,
                complaint_public_figures::unit,
                complaint_public_figures::as_of_year,
                complaint_public_figures::label_en,
                complaint_public_figures::label_zh,
                complaint_public_figures::source,
            ),
        ))
        .load::<(i64, NewPublicFigure)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, complaint_public_figures, plan(existing, desired, report), stamp, report);
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Deserialize, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = funds, treat_none_as_null = true)]
pub(super) struct NewFund {
    key: String,
    kind: String,
    status: String,
    name_en: String,
    name_zh: Option<String>,
    currency: String,
    has_committee: bool,
    source: String,
}

/// The Implementation Fund A/HRC/43/37 proposes and the voluntary funds resolution 36/29 names.
pub(super) fn load_funds(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "funds.csv";
    let mut desired = Vec::new();
    for (i, row) in records::<NewFund>(FILE, FUNDS)?.into_iter().enumerate() {
        crate::models::FundKind::parse(&row.kind).ok_or_else(|| invalid(FILE, i, format!("kind {:?}", row.kind)))?;
        crate::models::FundStatus::parse(&row.status)
            .ok_or_else(|| invalid(FILE, i, format!("status {:?}", row.status)))?;
        desired.push((row.key.clone(), row));
    }
    let existing = funds::table
        .select((
            funds::id,
            (
                funds::key,
                funds::kind,
                funds::status,
                funds::name_en,
                funds::name_zh,
                funds::currency,
                funds::has_committee,
                funds::source,
            ),
        ))
        .load::<(i64, NewFund)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, funds, plan(existing, desired, report), stamp, report);
    Ok(())
}
