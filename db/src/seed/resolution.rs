//! Seed loaders of the Council's resolutions, their votes and sponsors, and reports.

use std::collections::{HashMap, HashSet};

use crate::models::{AdoptionMethod, Organ, ResolutionStatus, SessionBody, Vote};
use crate::schema::{countries, reports, resolution_sponsors, resolution_votes, resolutions, sessions};
use crate::DbConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::{
    date, id_map, invalid, lookup, plan, records, symbol_ids, Change, SeedError, SeedReport, REPORTS, RESOLUTIONS,
    RESOLUTION_SPONSORS, RESOLUTION_VOTES,
};

#[derive(Debug, Deserialize)]
pub(super) struct ResolutionRecord {
    key: String,
    symbol: Option<String>,
    organ: String,
    session: Option<i32>,
    agenda_item: Option<i32>,
    title_en: Option<String>,
    title_zh: Option<String>,
    status: String,
    adopted_on: Option<String>,
    meeting: Option<String>,
    adoption_method: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = resolutions, treat_none_as_null = true)]
pub(super) struct NewResolution {
    key: String,
    symbol: Option<String>,
    organ: String,
    session_id: Option<i64>,
    agenda_item: Option<i32>,
    title_en: Option<String>,
    title_zh: Option<String>,
    status: String,
    adopted_on: Option<NaiveDate>,
    meeting: Option<String>,
    adoption_method: Option<String>,
    source: String,
}

pub(super) fn hrc_sessions(conn: &mut DbConnection) -> QueryResult<HashMap<i32, i64>> {
    Ok(id_map(
        sessions::table
            .filter(sessions::body.eq(SessionBody::Hrc.as_str()))
            .select((sessions::id, sessions::number))
            .load::<(i64, i32)>(conn)?,
    ))
}

pub(super) fn session_id(
    file: &'static str,
    i: usize,
    sessions: &HashMap<i32, i64>,
    number: Option<i32>,
) -> Result<Option<i64>, SeedError> {
    number
        .map(|n| {
            sessions.get(&n).copied().ok_or_else(|| invalid(file, i, format!("session {n} is not in sessions.csv")))
        })
        .transpose()
}

pub(super) fn load_resolutions(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "resolutions.csv";
    let sessions = hrc_sessions(conn)?;
    let mut desired = Vec::new();
    for (i, r) in records::<ResolutionRecord>(FILE, RESOLUTIONS)?.into_iter().enumerate() {
        Organ::parse(&r.organ).ok_or_else(|| invalid(FILE, i, format!("organ {:?}", r.organ)))?;
        let status =
            ResolutionStatus::parse(&r.status).ok_or_else(|| invalid(FILE, i, format!("status {:?}", r.status)))?;
        if let Some(method) = &r.adoption_method {
            AdoptionMethod::parse(method).ok_or_else(|| invalid(FILE, i, format!("adoption method {method:?}")))?;
        }
        if (status == ResolutionStatus::Adopted) != r.symbol.is_some() {
            return Err(invalid(FILE, i, "an adopted resolution has a symbol and a draft has none"));
        }
        let row = NewResolution {
            session_id: session_id(FILE, i, &sessions, r.session)?,
            adopted_on: date(FILE, i, r.adopted_on.as_deref())?,
            key: r.key,
            symbol: r.symbol,
            organ: r.organ,
            agenda_item: r.agenda_item,
            title_en: r.title_en,
            title_zh: r.title_zh,
            status: r.status,
            meeting: r.meeting,
            adoption_method: r.adoption_method,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    let existing = resolutions::table
        .select((
            resolutions::id,
            (
                resolutions::key,
                resolutions::symbol,
                resolutions::organ,
                resolutions::session_id,
                resolutions::agenda_item,
                resolutions::title_en,
                resolutions::title_zh,
                resolutions::status,
                resolutions::adopted_on,
                resolutions::meeting,
                resolutions::adoption_method,
                resolutions::source,
            ),
        ))
        .load::<(i64, NewResolution)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, resolutions, plan(existing, desired, report), stamp, report);
    Ok(())
}

/// Splits a list of State names as the Chinese texts write it (`甲、乙、丙和丁`) into country ids. The last
/// separator is 和, which also occurs inside names (安提瓜和巴布达), so a split is accepted only where both sides are
/// names we know.
pub(super) fn split_zh_names(
    file: &'static str,
    i: usize,
    text: &str,
    names: &HashMap<String, i64>,
) -> Result<Vec<(String, i64)>, SeedError> {
    let lookup = |name: &str| names.get(name.trim_end_matches('*')).map(|id| (name.to_owned(), *id));
    let mut parts: Vec<&str> = text.split('、').map(str::trim).collect();
    let last = parts.pop().unwrap_or_default();
    let mut found = Vec::new();
    for part in parts {
        found.push(lookup(part).ok_or_else(|| invalid(file, i, format!("no country named {part:?}")))?);
    }
    if let Some(whole) = lookup(last) {
        found.push(whole);
    } else {
        let split = last
            .match_indices('和')
            .find_map(|(at, sep)| Some((lookup(&last[..at])?, lookup(&last[at + sep.len()..])?)));
        let (a, b) = split.ok_or_else(|| invalid(file, i, format!("no country names in {last:?}")))?;
        found.push(a);
        found.push(b);
    }
    Ok(found)
}

pub(super) fn zh_names(conn: &mut DbConnection) -> QueryResult<HashMap<String, i64>> {
    Ok(id_map(countries::table.select((countries::id, countries::name_zh)).load::<(i64, String)>(conn)?))
}

pub(super) fn resolution_keys(conn: &mut DbConnection) -> QueryResult<HashMap<String, i64>> {
    Ok(id_map(resolutions::table.select((resolutions::id, resolutions::key)).load::<(i64, String)>(conn)?))
}

#[derive(Debug, Deserialize)]
pub(super) struct VoteRecord {
    resolution: String,
    vote: String,
    countries_zh: String,
    source: String,
}

/// Brings the votes of every seeded resolution to the seeded set, and moves the resolution's `updated_at` if they
/// changed.
pub(super) fn load_votes(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "resolution_votes.csv";
    let names = zh_names(conn)?;
    let keys = resolution_keys(conn)?;
    let mut desired: HashMap<(i64, i64), (String, String)> = HashMap::new();
    for (i, r) in records::<VoteRecord>(FILE, RESOLUTION_VOTES)?.into_iter().enumerate() {
        let resolution =
            *keys.get(&r.resolution).ok_or_else(|| invalid(FILE, i, format!("resolution {:?}", r.resolution)))?;
        Vote::parse(&r.vote).ok_or_else(|| invalid(FILE, i, format!("vote {:?}", r.vote)))?;
        for (name, country) in split_zh_names(FILE, i, &r.countries_zh, &names)? {
            if desired.insert((resolution, country), (r.vote.clone(), r.source.clone())).is_some() {
                return Err(invalid(FILE, i, format!("{name} votes twice")));
            }
        }
    }
    let seeded: HashSet<i64> = desired.keys().map(|(r, _)| *r).collect();
    let seeded: Vec<i64> = seeded.into_iter().collect();
    let existing: HashMap<(i64, i64), (String, String)> = resolution_votes::table
        .filter(resolution_votes::resolution_id.eq_any(&seeded))
        .select((
            resolution_votes::resolution_id,
            resolution_votes::country_id,
            resolution_votes::vote,
            resolution_votes::source,
        ))
        .load::<(i64, i64, String, String)>(conn)?
        .into_iter()
        .map(|(r, c, v, s)| ((r, c), (v, s)))
        .collect();
    let mut touched = HashSet::new();
    for ((resolution, country), (vote, source)) in &existing {
        match desired.get(&(*resolution, *country)) {
            // A vote the seeds do not hold came in with an import (a member the seed's text does not list, such as
            // one present and not voting): it is the import's, not the seed's, to remove.
            None if !is_seed_source(source) => report.unchanged += 1,
            None => {
                diesel::delete(resolution_votes::table.find((resolution, country))).execute(conn)?;
                report.deleted += 1;
                touched.insert(*resolution);
            }
            Some(want) if want != &(vote.clone(), source.clone()) => {
                diesel::update(resolution_votes::table.find((resolution, country)))
                    .set((resolution_votes::vote.eq(&want.0), resolution_votes::source.eq(&want.1)))
                    .execute(conn)?;
                report.updated += 1;
                touched.insert(*resolution);
            }
            Some(_) => report.unchanged += 1,
        }
    }
    for ((resolution, country), (vote, source)) in &desired {
        if !existing.contains_key(&(*resolution, *country)) {
            diesel::insert_into(resolution_votes::table)
                .values((
                    resolution_votes::resolution_id.eq(resolution),
                    resolution_votes::country_id.eq(country),
                    resolution_votes::vote.eq(vote),
                    resolution_votes::source.eq(source),
                ))
                .execute(conn)?;
            report.inserted += 1;
            touched.insert(*resolution);
        }
    }
    touch_resolutions(conn, touched, stamp)
}

/// Whether a row's source is a seed document's (every seeded row cites one as `(seed NNN)`).
fn is_seed_source(source: &str) -> bool {
    source.contains("(seed ")
}

pub(super) fn touch_resolutions(
    conn: &mut DbConnection,
    ids: HashSet<i64>,
    stamp: NaiveDateTime,
) -> Result<(), SeedError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    diesel::update(resolutions::table.filter(resolutions::id.eq_any(ids)))
        .set(resolutions::updated_at.eq(stamp))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub(super) struct SponsorRecord {
    resolution: String,
    countries_zh: String,
    source: String,
}

/// Sponsors of seeded drafts and resolutions; a `*` after a name marks a State that is not a Council member.
pub(super) fn load_sponsors(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "resolution_sponsors.csv";
    let names = zh_names(conn)?;
    let keys = resolution_keys(conn)?;
    let mut desired: HashMap<(i64, i64), (bool, String)> = HashMap::new();
    for (i, r) in records::<SponsorRecord>(FILE, RESOLUTION_SPONSORS)?.into_iter().enumerate() {
        let resolution =
            *keys.get(&r.resolution).ok_or_else(|| invalid(FILE, i, format!("resolution {:?}", r.resolution)))?;
        for (name, country) in split_zh_names(FILE, i, &r.countries_zh, &names)? {
            desired.insert((resolution, country), (!name.ends_with('*'), r.source.clone()));
        }
    }
    let seeded: Vec<i64> = desired.keys().map(|(r, _)| *r).collect::<HashSet<_>>().into_iter().collect();
    let existing: HashMap<(i64, i64), (bool, String)> = resolution_sponsors::table
        .filter(resolution_sponsors::resolution_id.eq_any(&seeded))
        .select((
            resolution_sponsors::resolution_id,
            resolution_sponsors::country_id,
            resolution_sponsors::council_member,
            resolution_sponsors::source,
        ))
        .load::<(i64, i64, bool, String)>(conn)?
        .into_iter()
        .map(|(r, c, m, s)| ((r, c), (m, s)))
        .collect();
    let mut touched = HashSet::new();
    for (key, (_, source)) in &existing {
        if !desired.contains_key(key) && is_seed_source(source) {
            diesel::delete(resolution_sponsors::table.find(*key)).execute(conn)?;
            report.deleted += 1;
            touched.insert(key.0);
        }
    }
    for (key, (member, source)) in &desired {
        match existing.get(key) {
            Some(current) if current == &(*member, source.clone()) => report.unchanged += 1,
            Some(_) => {
                diesel::update(resolution_sponsors::table.find(*key))
                    .set((resolution_sponsors::council_member.eq(member), resolution_sponsors::source.eq(source)))
                    .execute(conn)?;
                report.updated += 1;
                touched.insert(key.0);
            }
            None => {
                diesel::insert_into(resolution_sponsors::table)
                    .values((
                        resolution_sponsors::resolution_id.eq(key.0),
                        resolution_sponsors::country_id.eq(key.1),
                        resolution_sponsors::council_member.eq(member),
                        resolution_sponsors::source.eq(source),
                    ))
                    .execute(conn)?;
                report.inserted += 1;
                touched.insert(key.0);
            }
        }
    }
    touch_resolutions(conn, touched, stamp)
}

#[derive(Debug, Deserialize)]
pub(super) struct ReportRecord {
    symbol: String,
    title_en: Option<String>,
    title_zh: Option<String>,
    author: Option<String>,
    session: Option<i32>,
    agenda_item: Option<i32>,
    published_on: Option<String>,
    /// The symbol of the resolution that requested it, where a seed says.
    requested_by: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = reports, treat_none_as_null = true)]
pub(super) struct NewReport {
    symbol: String,
    title_en: Option<String>,
    title_zh: Option<String>,
    author: Option<String>,
    session_id: Option<i64>,
    agenda_item: Option<i32>,
    published_on: Option<NaiveDate>,
    source: String,
    requested_by_id: Option<i64>,
}

pub(super) fn load_reports(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "reports.csv";
    let sessions = hrc_sessions(conn)?;
    let symbols = symbol_ids(conn)?;
    let mut desired = Vec::new();
    for (i, r) in records::<ReportRecord>(FILE, REPORTS)?.into_iter().enumerate() {
        let row = NewReport {
            requested_by_id: lookup(FILE, i, "resolution", &symbols, r.requested_by.as_deref())?,
            session_id: session_id(FILE, i, &sessions, r.session)?,
            published_on: date(FILE, i, r.published_on.as_deref())?,
            symbol: r.symbol,
            title_en: r.title_en,
            title_zh: r.title_zh,
            author: r.author,
            agenda_item: r.agenda_item,
            source: r.source,
        };
        desired.push((row.symbol.clone(), row));
    }
    let existing = reports::table
        .select((
            reports::id,
            (
                reports::symbol,
                reports::title_en,
                reports::title_zh,
                reports::author,
                reports::session_id,
                reports::agenda_item,
                reports::published_on,
                reports::source,
                reports::requested_by_id,
            ),
        ))
        .load::<(i64, NewReport)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.symbol.clone(), (id, row)))
        .collect();
    apply!(conn, reports, plan(existing, desired, report), stamp, report);
    Ok(())
}
