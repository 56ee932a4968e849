//! Reference and seed-document data, compiled into the binary and loaded idempotently.
//!
//! Every row comes from the seed documents or from public reference lists and says which in its `source`.
//! Loading compares each row with what the database holds under the same natural key: missing rows are inserted,
//! changed rows updated (and their `updated_at` moved), equal rows left alone, so running it twice changes nothing.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use crate::models::{
    Addressee, AdoptionMethod, HolderRole, KnowledgeKind, MandateForm, MandateScope, MandateStatus, MechanismKind,
    Organ, ResolutionStatus, SessionBody, SituationEventKind, TermFacet, UnStatus, Vote,
};
use crate::schema::{
    complaint_public_figures, countries, country_situations, funds, knowledge_item_terms, knowledge_items,
    mandate_holders, mandates, mechanisms, recommendation_terms, recommendations, regional_groups, reports,
    resolution_sponsors, resolution_votes, resolutions, sdg_goals, sdg_targets, sessions, situation_bodies,
    situation_events, thesaurus_terms,
};
use crate::DbConnection;

const REGIONAL_GROUPS: &str = include_str!("../seed/regional_groups.csv");
const COUNTRIES: &str = include_str!("../seed/countries.csv");
const SESSIONS: &str = include_str!("../seed/sessions.csv");
const SDG_GOALS: &str = include_str!("../seed/sdg_goals.csv");
const RESOLUTIONS: &str = include_str!("../seed/resolutions.csv");
const RESOLUTION_VOTES: &str = include_str!("../seed/resolution_votes.csv");
const RESOLUTION_SPONSORS: &str = include_str!("../seed/resolution_sponsors.csv");
const REPORTS: &str = include_str!("../seed/reports.csv");
const MECHANISMS: &str = include_str!("../seed/mechanisms.csv");
const MANDATES: &str = include_str!("../seed/mandates.csv");
const RECOMMENDATIONS: &str = include_str!("../seed/recommendations.csv");
const THESAURUS_TERMS: &str = include_str!("../seed/thesaurus_terms.csv");
const RECOMMENDATION_TERMS: &str = include_str!("../seed/recommendation_terms.csv");
const MANDATE_HOLDERS: &str = include_str!("../seed/mandate_holders.csv");
const COUNTRY_SITUATIONS: &str = include_str!("../seed/country_situations.csv");
const SITUATION_EVENTS: &str = include_str!("../seed/situation_events.csv");
const KNOWLEDGE_ITEMS: &str = include_str!("../seed/knowledge_items.csv");
const COMPLAINT_PUBLIC_FIGURES: &str = include_str!("../seed/complaint_public_figures.csv");
const FUNDS: &str = include_str!("../seed/funds.csv");

const COUNTRIES_SOURCE: &str = "UN list of Member States and non-member observer States; ISO 3166-1 alpha-3 codes; \
UN regional groups (the United States of America attends the Western European and other States group and is counted \
there for elections); UN official short names in English and Chinese";
const SDG_SOURCE: &str = "A/RES/70/1 (the 2030 Agenda): the 17 goals and 169 targets, the count that A/HRC/43/37 \
(seed 001) para 43 gives";

/// What a load did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

impl SeedReport {
    /// Whether the load changed anything.
    pub fn changed(&self) -> bool {
        self.inserted + self.updated + self.deleted > 0
    }
}

/// Why the seed data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed file {file}: {source}")]
    Csv {
        file: &'static str,
        #[source]
        source: csv::Error,
    },
    #[error("seed file {file}, record {record}: {message}")]
    Invalid { file: &'static str, record: usize, message: String },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

fn records<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<Vec<T>, SeedError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| SeedError::Csv { file, source })
}

fn invalid(file: &'static str, record: usize, message: impl Into<String>) -> SeedError {
    SeedError::Invalid { file, record: record + 1, message: message.into() }
}

fn date(file: &'static str, record: usize, text: Option<&str>) -> Result<Option<NaiveDate>, SeedError> {
    text.map(|t| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|e| invalid(file, record, format!("date {t:?}: {e}")))
    })
    .transpose()
}

fn now() -> NaiveDateTime {
    use chrono::Timelike;
    // Microseconds, as PostgreSQL stores them, so that a value read back compares equal.
    let now = chrono::Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now)
}

/// A change that brings one row to its seeded state.
enum Change<T> {
    Insert(T),
    Update(i64, T),
}

/// Compares the rows the database holds (by natural key, with their id) with the seeded rows.
fn plan<K: Eq + Hash, T: PartialEq>(
    existing: HashMap<K, (i64, T)>,
    desired: Vec<(K, T)>,
    report: &mut SeedReport,
) -> Vec<Change<T>> {
    let mut changes = Vec::new();
    for (key, row) in desired {
        match existing.get(&key) {
            None => changes.push(Change::Insert(row)),
            Some((id, current)) if *current != row => changes.push(Change::Update(*id, row)),
            Some(_) => report.unchanged += 1,
        }
    }
    changes
}

/// Applies planned changes to a table with `id` and `updated_at` columns. With `versioned`, for tables whose rows
/// carry a `version`, a seeded change moves the version too, so that a client holding the old version gets
/// `CONFLICT` rather than overwriting the corrected row.
macro_rules! apply {
    (@moved $table:ident, $stamp:expr) => {
        $table::updated_at.eq($stamp)
    };
    (@moved $table:ident, $stamp:expr, versioned) => {
        ($table::updated_at.eq($stamp), $table::version.eq($table::version + 1))
    };
    ($conn:expr, $table:ident, $changes:expr, $stamp:expr, $report:expr $(, $versioned:ident)?) => {
        for change in $changes {
            match change {
                Change::Insert(row) => {
                    diesel::insert_into($table::table)
                        .values((&row, $table::created_at.eq($stamp), $table::updated_at.eq($stamp)))
                        .execute($conn)?;
                    $report.inserted += 1;
                }
                Change::Update(id, row) => {
                    diesel::update($table::table.find(id))
                        .set((&row, apply!(@moved $table, $stamp $(, $versioned)?)))
                        .execute($conn)?;
                    $report.updated += 1;
                }
            }
        }
    };
}

/// Loads all reference and seed data in one transaction.
pub fn load(conn: &mut DbConnection) -> Result<SeedReport, SeedError> {
    conn.transaction(|conn| {
        // Take the write lock before reading anything: on SQLite a transaction that read first cannot wait for a
        // concurrent writer and fails at once with "database is locked". This UPDATE changes no row, but it makes
        // the transaction a writer from its first statement, so it queues behind another writer (busy_timeout).
        diesel::sql_query("UPDATE regional_groups SET code = code WHERE 1 = 0").execute(conn)?;
        let mut report = SeedReport::default();
        let stamp = now();
        load_regional_groups(conn, stamp, &mut report)?;
        load_countries(conn, stamp, &mut report)?;
        load_sessions(conn, stamp, &mut report)?;
        load_sdgs(conn, stamp, &mut report)?;
        load_resolutions(conn, stamp, &mut report)?;
        load_votes(conn, stamp, &mut report)?;
        load_sponsors(conn, stamp, &mut report)?;
        load_reports(conn, stamp, &mut report)?;
        load_mechanisms(conn, stamp, &mut report)?;
        load_mandates(conn, stamp, &mut report)?;
        load_recommendations(conn, stamp, &mut report)?;
        load_thesaurus(conn, stamp, &mut report)?;
        load_holders(conn, stamp, &mut report)?;
        load_situations(conn, stamp, &mut report)?;
        load_knowledge(conn, stamp, &mut report)?;
        load_complaint_figures(conn, stamp, &mut report)?;
        load_funds(conn, stamp, &mut report)?;
        Ok(report)
    })
}

fn id_map<K: Eq + Hash>(rows: Vec<(i64, K)>) -> HashMap<K, i64> {
    rows.into_iter().map(|(id, key)| (key, id)).collect()
}

#[derive(Debug, Clone, PartialEq, Deserialize, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = regional_groups)]
struct NewRegionalGroup {
    code: String,
    name_en: String,
    name_zh: String,
    source: String,
}

fn load_regional_groups(
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
struct CountryRecord {
    iso3: String,
    name_en: String,
    name_zh: String,
    un_status: String,
    regional_group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = countries, treat_none_as_null = true)]
struct NewCountry {
    iso3: String,
    name_en: String,
    name_zh: String,
    un_status: String,
    regional_group_id: Option<i64>,
    source: String,
}

fn load_countries(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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
struct SessionRecord {
    body: String,
    number: i32,
    starts_on: Option<String>,
    ends_on: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
struct NewSession {
    body: String,
    number: i32,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    source: String,
}

fn load_sessions(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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
struct GoalRecord {
    number: i32,
    numbered_targets: u32,
    lettered_targets: u32,
    name_en: String,
    name_zh: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = sdg_goals)]
struct NewGoal {
    number: i32,
    name_en: String,
    name_zh: String,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = sdg_targets)]
struct NewTarget {
    code: String,
    goal_id: i64,
    source: String,
}

fn load_sdgs(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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

#[derive(Debug, Deserialize)]
struct ResolutionRecord {
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
struct NewResolution {
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

fn hrc_sessions(conn: &mut DbConnection) -> QueryResult<HashMap<i32, i64>> {
    Ok(id_map(
        sessions::table
            .filter(sessions::body.eq(SessionBody::Hrc.as_str()))
            .select((sessions::id, sessions::number))
            .load::<(i64, i32)>(conn)?,
    ))
}

fn session_id(
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

fn load_resolutions(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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
fn split_zh_names(
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

fn zh_names(conn: &mut DbConnection) -> QueryResult<HashMap<String, i64>> {
    Ok(id_map(countries::table.select((countries::id, countries::name_zh)).load::<(i64, String)>(conn)?))
}

fn resolution_keys(conn: &mut DbConnection) -> QueryResult<HashMap<String, i64>> {
    Ok(id_map(resolutions::table.select((resolutions::id, resolutions::key)).load::<(i64, String)>(conn)?))
}

#[derive(Debug, Deserialize)]
struct VoteRecord {
    resolution: String,
    vote: String,
    countries_zh: String,
    source: String,
}

/// Brings the votes of every seeded resolution to the seeded set, and moves the resolution's `updated_at` if they
/// changed.
fn load_votes(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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

fn touch_resolutions(conn: &mut DbConnection, ids: HashSet<i64>, stamp: NaiveDateTime) -> Result<(), SeedError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    diesel::update(resolutions::table.filter(resolutions::id.eq_any(ids)))
        .set(resolutions::updated_at.eq(stamp))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Deserialize)]
struct SponsorRecord {
    resolution: String,
    countries_zh: String,
    source: String,
}

/// Sponsors of seeded drafts and resolutions; a `*` after a name marks a State that is not a Council member.
fn load_sponsors(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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
    for key in existing.keys() {
        if !desired.contains_key(key) {
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
struct ReportRecord {
    symbol: String,
    title_en: Option<String>,
    title_zh: Option<String>,
    author: Option<String>,
    session: Option<i32>,
    agenda_item: Option<i32>,
    published_on: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = reports, treat_none_as_null = true)]
struct NewReport {
    symbol: String,
    title_en: Option<String>,
    title_zh: Option<String>,
    author: Option<String>,
    session_id: Option<i64>,
    agenda_item: Option<i32>,
    published_on: Option<NaiveDate>,
    source: String,
}

fn load_reports(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
    const FILE: &str = "reports.csv";
    let sessions = hrc_sessions(conn)?;
    let mut desired = Vec::new();
    for (i, r) in records::<ReportRecord>(FILE, REPORTS)?.into_iter().enumerate() {
        let row = NewReport {
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
            ),
        ))
        .load::<(i64, NewReport)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.symbol.clone(), (id, row)))
        .collect();
    apply!(conn, reports, plan(existing, desired, report), stamp, report);
    Ok(())
}

fn iso_ids(conn: &mut DbConnection) -> QueryResult<HashMap<String, i64>> {
    Ok(id_map(countries::table.select((countries::id, countries::iso3)).load::<(i64, String)>(conn)?))
}

fn symbol_ids(conn: &mut DbConnection) -> QueryResult<HashMap<String, i64>> {
    let rows = resolutions::table
        .filter(resolutions::symbol.is_not_null())
        .select((resolutions::id, resolutions::symbol.assume_not_null()))
        .load::<(i64, String)>(conn)?;
    Ok(id_map(rows))
}

fn lookup(
    file: &'static str,
    i: usize,
    what: &str,
    map: &HashMap<String, i64>,
    key: Option<&str>,
) -> Result<Option<i64>, SeedError> {
    key.map(|k| map.get(k).copied().ok_or_else(|| invalid(file, i, format!("no {what} {k:?}")))).transpose()
}

#[derive(Debug, Deserialize)]
struct MechanismRecord {
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
struct NewMechanism {
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
fn load_mechanisms(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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
struct MandateRecord {
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
struct NewMandate {
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

fn load_mandates(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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
struct RecommendationRecord {
    key: String,
    report: String,
    paragraph: String,
    addressee: String,
    chapeau_zh: Option<String>,
    item_zh: String,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = recommendations, treat_none_as_null = true)]
struct NewRecommendation {
    key: String,
    source_kind: String,
    report_id: Option<i64>,
    paragraph: Option<String>,
    addressee: String,
    text_en: Option<String>,
    text_zh: Option<String>,
    priority: bool,
    fictional: bool,
    source: String,
}

/// The recommendations of the seed report (A/HRC/43/37 paras 69-77, to the Council). Their text is the report's own
/// Chinese, the chapeau joined to the item so that each reads on its own; no English text is invented for them.
fn load_recommendations(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const FILE: &str = "recommendations.csv";
    let reports_by_symbol = id_map(reports::table.select((reports::id, reports::symbol)).load::<(i64, String)>(conn)?);
    let mut desired = Vec::new();
    for (i, r) in records::<RecommendationRecord>(FILE, RECOMMENDATIONS)?.into_iter().enumerate() {
        Addressee::parse(&r.addressee).ok_or_else(|| invalid(FILE, i, format!("addressee {:?}", r.addressee)))?;
        let row = NewRecommendation {
            key: r.key,
            source_kind: "REPORT".to_owned(),
            report_id: lookup(FILE, i, "report", &reports_by_symbol, Some(&r.report))?,
            paragraph: Some(r.paragraph),
            addressee: r.addressee,
            text_en: None,
            text_zh: Some(format!("{}{}", r.chapeau_zh.unwrap_or_default(), r.item_zh)),
            priority: false,
            fictional: false,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    // Only the rows this file owns (real, from reports): demo data and imports are not the seed's to compare.
    let keys: Vec<String> = desired.iter().map(|(k, _)| k.clone()).collect();
    let existing = recommendations::table
        .filter(recommendations::key.eq_any(&keys))
        .select((
            recommendations::id,
            (
                recommendations::key,
                recommendations::source_kind,
                recommendations::report_id,
                recommendations::paragraph,
                recommendations::addressee,
                recommendations::text_en,
                recommendations::text_zh,
                recommendations::priority,
                recommendations::fictional,
                recommendations::source,
            ),
        ))
        .load::<(i64, NewRecommendation)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, recommendations, plan(existing, desired, report), stamp, report, versioned);
    Ok(())
}

#[derive(Debug, Deserialize)]
struct TermRecord {
    key: String,
    facet: String,
    name_en: String,
    name_zh: String,
    description_en: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = thesaurus_terms, treat_none_as_null = true)]
struct NewTerm {
    key: String,
    facet: String,
    name_en: String,
    name_zh: String,
    description_en: Option<String>,
    source: String,
}

#[derive(Debug, Deserialize)]
struct RecommendationTermsRecord {
    recommendation: String,
    /// Term keys separated by spaces.
    terms: String,
    #[allow(dead_code)]
    source: String,
}

/// The thesaurus, and the indexing of the seeded recommendations by it (links are added, never removed here: an
/// index entry made through the API stays).
fn load_thesaurus(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
    const FILE: &str = "thesaurus_terms.csv";
    let mut desired = Vec::new();
    for (i, r) in records::<TermRecord>(FILE, THESAURUS_TERMS)?.into_iter().enumerate() {
        TermFacet::parse(&r.facet).ok_or_else(|| invalid(FILE, i, format!("facet {:?}", r.facet)))?;
        let row = NewTerm {
            key: r.key,
            facet: r.facet,
            name_en: r.name_en,
            name_zh: r.name_zh,
            description_en: r.description_en,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    let existing = thesaurus_terms::table
        .select((
            thesaurus_terms::id,
            (
                thesaurus_terms::key,
                thesaurus_terms::facet,
                thesaurus_terms::name_en,
                thesaurus_terms::name_zh,
                thesaurus_terms::description_en,
                thesaurus_terms::source,
            ),
        ))
        .load::<(i64, NewTerm)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, thesaurus_terms, plan(existing, desired, report), stamp, report);

    const LINKS: &str = "recommendation_terms.csv";
    let term_ids = id_map(thesaurus_terms::table.select((thesaurus_terms::id, thesaurus_terms::key)).load(conn)?);
    // Only the recommendations this file names, and their links: not the whole table, which demo data and imports
    // make millions of rows (loading them all made every start-up on a 1M database peak at 278 MB).
    let records = records::<RecommendationTermsRecord>(LINKS, RECOMMENDATION_TERMS)?;
    let keys: Vec<&str> = records.iter().map(|r| r.recommendation.as_str()).collect();
    let recommendation_ids = id_map(
        recommendations::table
            .filter(recommendations::key.eq_any(&keys))
            .select((recommendations::id, recommendations::key))
            .load(conn)?,
    );
    let ids: Vec<i64> = recommendation_ids.values().copied().collect();
    let existing: HashSet<(i64, i64)> = recommendation_terms::table
        .filter(recommendation_terms::recommendation_id.eq_any(&ids))
        .select((recommendation_terms::recommendation_id, recommendation_terms::term_id))
        .load(conn)?
        .into_iter()
        .collect();
    let mut touched = HashSet::new();
    for (i, r) in records.into_iter().enumerate() {
        let rec = lookup(LINKS, i, "recommendation", &recommendation_ids, Some(&r.recommendation))?
            .ok_or_else(|| invalid(LINKS, i, "no recommendation"))?;
        for key in r.terms.split_whitespace() {
            let term = lookup(LINKS, i, "term", &term_ids, Some(key))?.ok_or_else(|| invalid(LINKS, i, "no term"))?;
            if existing.contains(&(rec, term)) {
                report.unchanged += 1;
                continue;
            }
            diesel::insert_into(recommendation_terms::table)
                .values((recommendation_terms::recommendation_id.eq(rec), recommendation_terms::term_id.eq(term)))
                .execute(conn)?;
            report.inserted += 1;
            touched.insert(rec);
        }
    }
    if !touched.is_empty() {
        diesel::update(recommendations::table.filter(recommendations::id.eq_any(touched)))
            .set(recommendations::updated_at.eq(stamp))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
struct HolderRecord {
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
struct SeedHolder {
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
fn load_holders(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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

#[derive(Debug, Deserialize)]
struct SituationRecord {
    key: String,
    country: String,
    agenda_item: Option<i32>,
    title_en: String,
    title_zh: Option<String>,
    summary_en: Option<String>,
    /// `mechanism:<key>` or `mandate:<key>`, separated by spaces.
    bodies: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = country_situations, treat_none_as_null = true)]
struct SeedSituation {
    key: String,
    country_id: i64,
    agenda_item: Option<i32>,
    title_en: String,
    title_zh: Option<String>,
    summary_en: Option<String>,
    fictional: bool,
    source: String,
}

#[derive(Debug, Deserialize)]
struct EventRecord {
    key: String,
    situation: String,
    kind: String,
    year: Option<i32>,
    held_on: Option<String>,
    session: Option<i32>,
    mandate: Option<String>,
    report: Option<String>,
    description_en: Option<String>,
    description_zh: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = situation_events, treat_none_as_null = true)]
struct SeedEvent {
    key: String,
    situation_id: i64,
    kind: String,
    year: Option<i32>,
    held_on: Option<NaiveDate>,
    session_id: Option<i64>,
    mandate_id: Option<i64>,
    report_id: Option<i64>,
    description_en: Option<String>,
    description_zh: Option<String>,
    fictional: bool,
    source: String,
}

/// Country situations, the bodies that follow them (added, never removed here), and their briefings and missions.
fn load_situations(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
    const FILE: &str = "country_situations.csv";
    let countries = iso_ids(conn)?;
    let mechanism_ids = id_map(mechanisms::table.select((mechanisms::id, mechanisms::key)).load(conn)?);
    let mandate_ids = id_map(mandates::table.select((mandates::id, mandates::key)).load(conn)?);
    let mut desired = Vec::new();
    let mut bodies = Vec::new();
    for (i, r) in records::<SituationRecord>(FILE, COUNTRY_SITUATIONS)?.into_iter().enumerate() {
        if let Some(item) = r.agenda_item.filter(|n| !(1..=10).contains(n)) {
            return Err(invalid(FILE, i, format!("agenda item {item}")));
        }
        for body in r.bodies.as_deref().unwrap_or_default().split_whitespace() {
            let (mechanism, mandate) = match body.split_once(':') {
                Some(("mechanism", key)) => (lookup(FILE, i, "mechanism", &mechanism_ids, Some(key))?, None),
                Some(("mandate", key)) => (None, lookup(FILE, i, "mandate", &mandate_ids, Some(key))?),
                _ => return Err(invalid(FILE, i, format!("body {body:?} is not mechanism:<key> or mandate:<key>"))),
            };
            bodies.push((r.key.clone(), mechanism, mandate, r.source.clone()));
        }
        let row = SeedSituation {
            country_id: lookup(FILE, i, "country", &countries, Some(&r.country))?
                .ok_or_else(|| invalid(FILE, i, "no country"))?,
            key: r.key,
            agenda_item: r.agenda_item,
            title_en: r.title_en,
            title_zh: r.title_zh,
            summary_en: r.summary_en,
            fictional: false,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    let keys: Vec<String> = desired.iter().map(|(k, _)| k.clone()).collect();
    let existing = country_situations::table
        .filter(country_situations::key.eq_any(&keys))
        .select((
            country_situations::id,
            (
                country_situations::key,
                country_situations::country_id,
                country_situations::agenda_item,
                country_situations::title_en,
                country_situations::title_zh,
                country_situations::summary_en,
                country_situations::fictional,
                country_situations::source,
            ),
        ))
        .load::<(i64, SeedSituation)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, country_situations, plan(existing, desired, report), stamp, report, versioned);

    let situation_ids =
        id_map(country_situations::table.select((country_situations::id, country_situations::key)).load(conn)?);
    let linked: HashSet<(i64, Option<i64>, Option<i64>)> = situation_bodies::table
        .select((situation_bodies::situation_id, situation_bodies::mechanism_id, situation_bodies::mandate_id))
        .load(conn)?
        .into_iter()
        .collect();
    for (situation, mechanism, mandate, source) in bodies {
        let Some(&situation) = situation_ids.get(&situation) else { continue };
        if linked.contains(&(situation, mechanism, mandate)) {
            report.unchanged += 1;
            continue;
        }
        diesel::insert_into(situation_bodies::table)
            .values((
                situation_bodies::situation_id.eq(situation),
                situation_bodies::mechanism_id.eq(mechanism),
                situation_bodies::mandate_id.eq(mandate),
                situation_bodies::source.eq(source),
            ))
            .execute(conn)?;
        report.inserted += 1;
    }

    const EVENTS: &str = "situation_events.csv";
    let sessions = hrc_sessions(conn)?;
    let reports_by_symbol = id_map(reports::table.select((reports::id, reports::symbol)).load::<(i64, String)>(conn)?);
    let mut desired = Vec::new();
    for (i, r) in records::<EventRecord>(EVENTS, SITUATION_EVENTS)?.into_iter().enumerate() {
        SituationEventKind::parse(&r.kind).ok_or_else(|| invalid(EVENTS, i, format!("kind {:?}", r.kind)))?;
        let session_id = match r.session {
            Some(n) => Some(*sessions.get(&n).ok_or_else(|| invalid(EVENTS, i, format!("no session {n}")))?),
            None => None,
        };
        let row = SeedEvent {
            situation_id: lookup(EVENTS, i, "situation", &situation_ids, Some(&r.situation))?
                .ok_or_else(|| invalid(EVENTS, i, "no situation"))?,
            held_on: date(EVENTS, i, r.held_on.as_deref())?,
            session_id,
            mandate_id: lookup(EVENTS, i, "mandate", &mandate_ids, r.mandate.as_deref())?,
            report_id: lookup(EVENTS, i, "report", &reports_by_symbol, r.report.as_deref())?,
            key: r.key,
            kind: r.kind,
            year: r.year,
            description_en: r.description_en,
            description_zh: r.description_zh,
            fictional: false,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    let keys: Vec<String> = desired.iter().map(|(k, _)| k.clone()).collect();
    let existing = situation_events::table
        .filter(situation_events::key.eq_any(&keys))
        .select((
            situation_events::id,
            (
                situation_events::key,
                situation_events::situation_id,
                situation_events::kind,
                situation_events::year,
                situation_events::held_on,
                situation_events::session_id,
                situation_events::mandate_id,
                situation_events::report_id,
                situation_events::description_en,
                situation_events::description_zh,
                situation_events::fictional,
                situation_events::source,
            ),
        ))
        .load::<(i64, SeedEvent)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, situation_events, plan(existing, desired, report), stamp, report);
    Ok(())
}

#[derive(Debug, Deserialize)]
struct KnowledgeRecord {
    key: String,
    kind: String,
    title_en: String,
    title_zh: Option<String>,
    body_en: Option<String>,
    body_zh: Option<String>,
    country: Option<String>,
    regional_group: Option<String>,
    report: Option<String>,
    shared_on: Option<String>,
    /// Thesaurus keys separated by spaces.
    themes: Option<String>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = knowledge_items, treat_none_as_null = true)]
struct SeedKnowledge {
    key: String,
    kind: String,
    title_en: String,
    title_zh: Option<String>,
    body_en: Option<String>,
    body_zh: Option<String>,
    country_id: Option<i64>,
    regional_group_id: Option<i64>,
    report_id: Option<i64>,
    shared_on: Option<NaiveDate>,
    fictional: bool,
    source: String,
}

/// The knowledge hub's real entries (the resources the seed resolutions name) and their themes.
fn load_knowledge(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
    const FILE: &str = "knowledge_items.csv";
    let countries = iso_ids(conn)?;
    let groups = id_map(regional_groups::table.select((regional_groups::id, regional_groups::code)).load(conn)?);
    let reports_by_symbol = id_map(reports::table.select((reports::id, reports::symbol)).load::<(i64, String)>(conn)?);
    let term_ids = id_map(thesaurus_terms::table.select((thesaurus_terms::id, thesaurus_terms::key)).load(conn)?);
    let mut desired = Vec::new();
    let mut themes = Vec::new();
    for (i, r) in records::<KnowledgeRecord>(FILE, KNOWLEDGE_ITEMS)?.into_iter().enumerate() {
        KnowledgeKind::parse(&r.kind).ok_or_else(|| invalid(FILE, i, format!("kind {:?}", r.kind)))?;
        for key in r.themes.as_deref().unwrap_or_default().split_whitespace() {
            let term = lookup(FILE, i, "term", &term_ids, Some(key))?.ok_or_else(|| invalid(FILE, i, "no term"))?;
            themes.push((r.key.clone(), term));
        }
        let row = SeedKnowledge {
            country_id: lookup(FILE, i, "country", &countries, r.country.as_deref())?,
            regional_group_id: lookup(FILE, i, "regional group", &groups, r.regional_group.as_deref())?,
            report_id: lookup(FILE, i, "report", &reports_by_symbol, r.report.as_deref())?,
            shared_on: date(FILE, i, r.shared_on.as_deref())?,
            key: r.key,
            kind: r.kind,
            title_en: r.title_en,
            title_zh: r.title_zh,
            body_en: r.body_en,
            body_zh: r.body_zh,
            fictional: false,
            source: r.source,
        };
        desired.push((row.key.clone(), row));
    }
    let keys: Vec<String> = desired.iter().map(|(k, _)| k.clone()).collect();
    let existing = knowledge_items::table
        .filter(knowledge_items::key.eq_any(&keys))
        .select((
            knowledge_items::id,
            (
                knowledge_items::key,
                knowledge_items::kind,
                knowledge_items::title_en,
                knowledge_items::title_zh,
                knowledge_items::body_en,
                knowledge_items::body_zh,
                knowledge_items::country_id,
                knowledge_items::regional_group_id,
                knowledge_items::report_id,
                knowledge_items::shared_on,
                knowledge_items::fictional,
                knowledge_items::source,
            ),
        ))
        .load::<(i64, SeedKnowledge)>(conn)?
        .into_iter()
        .map(|(id, row)| (row.key.clone(), (id, row)))
        .collect();
    apply!(conn, knowledge_items, plan(existing, desired, report), stamp, report, versioned);
    let item_ids: HashMap<String, i64> =
        id_map(knowledge_items::table.select((knowledge_items::id, knowledge_items::key)).load(conn)?);
    let linked: HashSet<(i64, i64)> = knowledge_item_terms::table
        .select((knowledge_item_terms::item_id, knowledge_item_terms::term_id))
        .load(conn)?
        .into_iter()
        .collect();
    for (key, term) in themes {
        let Some(&item) = item_ids.get(&key) else { continue };
        if linked.contains(&(item, term)) {
            report.unchanged += 1;
            continue;
        }
        diesel::insert_into(knowledge_item_terms::table)
            .values((knowledge_item_terms::item_id.eq(item), knowledge_item_terms::term_id.eq(term)))
            .execute(conn)?;
        report.inserted += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> HashMap<String, i64> {
        ["乌克兰", "乌拉圭", "波斯尼亚和黑塞哥维那", "安提瓜和巴布达", "中国", "也门"]
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i as i64))
            .collect()
    }

    fn split(text: &str) -> Result<Vec<String>, SeedError> {
        split_zh_names("test.csv", 0, text, &known()).map(|v| v.into_iter().map(|(n, _)| n).collect())
    }

    #[test]
    fn the_final_he_separates_two_names() {
        assert_eq!(split("中国、乌克兰和乌拉圭").unwrap(), ["中国", "乌克兰", "乌拉圭"]);
    }

    #[test]
    fn a_he_inside_a_name_does_not_split_it() {
        assert_eq!(split("中国、波斯尼亚和黑塞哥维那").unwrap(), ["中国", "波斯尼亚和黑塞哥维那"]);
        assert_eq!(split("安提瓜和巴布达和乌拉圭").unwrap(), ["安提瓜和巴布达", "乌拉圭"]);
    }

    #[test]
    fn asterisks_mark_non_members_but_do_not_hide_the_name() {
        assert_eq!(split("中国*和也门*").unwrap(), ["中国*", "也门*"]);
    }

    #[test]
    fn an_unknown_name_is_an_error_naming_it() {
        let error = split("中国、亚特兰蒂斯").unwrap_err().to_string();
        assert!(error.contains("亚特兰蒂斯"), "{error}");
        assert!(split("甲和乙").is_err());
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Insertable, AsChangeset, Queryable)]
#[diesel(table_name = complaint_public_figures, treat_none_as_null = true)]
struct NewPublicFigure {
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
fn load_complaint_figures(
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
struct NewFund {
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
fn load_funds(conn: &mut DbConnection, stamp: NaiveDateTime, report: &mut SeedReport) -> Result<(), SeedError> {
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
