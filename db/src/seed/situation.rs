//! Seed loaders of the country situations, their events, and the knowledge hub.

use std::collections::{HashMap, HashSet};

use crate::models::{KnowledgeKind, SituationEventKind};
use crate::schema::{
    country_situations, knowledge_item_terms, knowledge_items, mandates, mechanisms, regional_groups, reports,
    situation_bodies, situation_events, thesaurus_terms,
};
use crate::DbConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::resolution::hrc_sessions;
use super::{
    date, id_map, invalid, iso_ids, lookup, plan, records, Change, SeedError, SeedReport, COUNTRY_SITUATIONS,
    KNOWLEDGE_ITEMS, SITUATION_EVENTS,
};

#[derive(Debug, Deserialize)]
pub(super) struct SituationRecord {
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
pub(super) struct SeedSituation {
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
pub(super) struct EventRecord {
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
pub(super) struct SeedEvent {
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
pub(super) fn load_situations(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
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
pub(super) struct KnowledgeRecord {
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
pub(super) struct SeedKnowledge {
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
pub(super) fn load_knowledge(
    conn: &mut DbConnection,
    stamp: NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
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
