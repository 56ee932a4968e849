//! Seed loaders of the reference data: regional groups, countries (UN M49), sessions, the SDGs.

use crate::models::{SessionBody, UnStatus};
use crate::schema::{countries, regional_groups, sdg_goals, sdg_targets, sessions};
use crate::DbConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::{
    date, id_map, invalid, plan, records, Change, SeedError, SeedReport, COUNTRIES, COUNTRIES_SOURCE, REGIONAL_GROUPS,
    SDG_GOALS, SDG_SOURCE, SESSIONS,
};

#[derive(Debug, Clone, PartialEq, Deserialize, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = regional_groups)]
pub(super) struct NewRegionalGroup {
    code: String,
    name_en: String,
    name_zh: String,
    source: String,
}

pub(super) fn load_regional_groups(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    let desired = records::<NewRegionalGroup>("regional_groups.csv", REGIONAL_GROUPS)?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let existing = regional_groups::table
        .select((
            regional_groups::id,
            (regional_groups::code, regional_groups::name_en, regional_groups::name_zh, regional_groups::source),
        ))
        .load::<(i64, NewRegionalGroup)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.code.clone(), (id, row)))
        .collect();
    apply!(conn, regional_groups, plan(existing, desired, report), stamp, report);
    Ok(())
}

#[derive(Debug, Deserialize)]
pub(super) struct CountryRecord {
    iso3: String,
    name_en: String,
    name_zh: String,
    un_status: String,
    regional_group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = countries, treat_none_as_null = true)]
pub(super) struct NewCountry {
    iso3: String,
    name_en: String,
    name_zh: String,
    un_status: String,
    regional_group_id: Option<i64>,
    source: String,
}

pub(super) fn load_countries(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "countries.csv";
    let groups = id_map(
        regional_groups::table.select((regional_groups::id, regional_groups::code)).load::<(i64, String)>(conn)?,
    );
    let mut desired = Vec::new();
    for (i, r) in records::<CountryRecord>(FILE, COUNTRIES)?.into_iter().enumerate() {
        if r.iso3.len() != 3 || !r.iso3.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(FILE, i, format!("ISO code {:?} is not three capital letters", r.iso3)));
        }
        UnStatus::parse(&r.un_status).ok_or_else(|| invalid(FILE, i, format!("status {:?}", r.un_status)))?;
        let regional_group_id = match &r.regional_group {
            Some(code) => Some(*groups.get(code).ok_or_else(|| invalid(FILE, i, format!("group {code:?}")))?),
            None => None,
        };
        let row = NewCountry {
            iso3: r.iso3,
            name_en: r.name_en,
            name_zh: r.name_zh,
            un_status: r.un_status,
            regional_group_id,
            source: COUNTRIES_SOURCE.to_owned(),
        };
        desired.push((row.iso3.clone(), row));
    }
    let existing = countries::table
        .select((
            countries::id,
            (
                countries::iso3,
                countries::name_en,
                countries::name_zh,
                countries::un_status,
                countries::regional_group_id,
                countries::source,
            ),
        ))
        .load::<(i64, NewCountry)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.iso3.clone(), (id, row)))
        .collect();
    apply!(conn, countries, plan(existing, desired, report), stamp, report);
    Ok(())
}

#[derive(Debug, Deserialize)]
pub(super) struct SessionRecord {
    body: String,
    number: i32,
    starts_on: Option<String>,
    ends_on: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
pub(super) struct NewSession {
    body: String,
    number: i32,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    source: String,
}

pub(super) fn load_sessions(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "sessions.csv";
    let mut desired = Vec::new();
    for (i, r) in records::<SessionRecord>(FILE, SESSIONS)?.into_iter().enumerate() {
        SessionBody::parse(&r.body).ok_or_else(|| invalid(FILE, i, format!("body {:?}", r.body)))?;
        let row = NewSession {
            starts_on: date(FILE, i, r.starts_on.as_deref())?,
            ends_on: date(FILE, i, r.ends_on.as_deref())?,
            body: r.body,
            number: r.number,
            source: r.source,
        };
        desired.push(((row.body.clone(), row.number), row));
    }
    let existing = sessions::table
        .select((
            sessions::id,
            (sessions::body, sessions::number, sessions::starts_on, sessions::ends_on, sessions::source),
        ))
        .load::<(i64, NewSession)>(conn)?
        .into_iter()
        .map(|(id, row)| ((row.body.clone(), row.number), (id, row)))
        .collect();
    apply!(conn, sessions, plan(existing, desired, report), stamp, report);
    Ok(())
}

#[derive(Debug, Deserialize)]
pub(super) struct GoalRecord {
    number: i32,
    numbered_targets: u32,
    lettered_targets: u32,
    name_en: String,
    name_zh: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = sdg_goals)]
pub(super) struct NewGoal {
    number: i32,
    name_en: String,
    name_zh: String,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = sdg_targets)]
pub(super) struct NewTarget {
    code: String,
    goal_id: i64,
    source: String,
}

pub(super) fn load_sdgs(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    let goals = records::<GoalRecord>("sdg_goals.csv", SDG_GOALS)?;
    let desired = goals
        .iter()
        .map(|g| {
            let row = NewGoal {
                number: g.number,
                name_en: g.name_en.clone(),
                name_zh: g.name_zh.clone(),
                source: SDG_SOURCE.to_owned(),
            };
            (g.number, row)
        })
        .collect();
    let existing = sdg_goals::table
        .select((sdg_goals::id, (sdg_goals::number, sdg_goals::name_en, sdg_goals::name_zh, sdg_goals::source)))
        .load::<(i64, NewGoal)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.number, (id, row)))
        .collect();
    apply!(conn, sdg_goals, plan(existing, desired, report), stamp, report);

    let goal_ids = id_map(sdg_goals::table.select((sdg_goals::id, sdg_goals::number)).load::<(i64, i32)>(conn)?);
    let mut desired = Vec::new();
    for goal in &goals {
        let goal_id = goal_ids[&goal.number];
        // Targets are numbered 1.1, 1.2… then lettered 1.a, 1.b… (means of implementation), in that official order.
        let numbered = (1..=goal.numbered_targets).map(|n| n.to_string());
        let lettered = (b'a'..).take(goal.lettered_targets as usize).map(|c| (c as char).to_string());
        for suffix in numbered.chain(lettered) {
            let code = format!("{}.{}", goal.number, suffix);
            desired.push((code.clone(), NewTarget { code, goal_id, source: SDG_SOURCE.to_owned() }));
        }
    }
    let existing = sdg_targets::table
        .select((sdg_targets::id, (sdg_targets::code, sdg_targets::goal_id, sdg_targets::source)))
        .load::<(i64, NewTarget)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.code.clone(), (id, row)))
        .collect();
    apply!(conn, sdg_targets, plan(existing, desired, report), stamp, report);
    Ok(())
}
