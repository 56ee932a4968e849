//! Reference and seed-document data, compiled into the binary and loaded idempotently.
//!
//! Every row comes from the seed documents or from public reference lists and says which in its `source`.
//! Loading compares each row with what the database holds under the same natural key: missing rows are inserted,
//! changed rows updated (and their `updated_at` moved), equal rows left alone, so running it twice changes nothing.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use crate::schema::{countries, resolutions};
use crate::DbConnection;

const REGIONAL_GROUPS: &str = include_str!("../../seed/regional_groups.csv");
const COUNTRIES: &str = include_str!("../../seed/countries.csv");
const SESSIONS: &str = include_str!("../../seed/sessions.csv");
const SDG_GOALS: &str = include_str!("../../seed/sdg_goals.csv");
const RESOLUTIONS: &str = include_str!("../../seed/resolutions.csv");
const RESOLUTION_VOTES: &str = include_str!("../../seed/resolution_votes.csv");
const RESOLUTION_SPONSORS: &str = include_str!("../../seed/resolution_sponsors.csv");
const COUNCIL_MEMBERSHIPS: &str = include_str!("../../seed/council_memberships.csv");
const COUNTRY_ALIASES: &str = include_str!("../../seed/country_aliases.csv");
const REPORTS: &str = include_str!("../../seed/reports.csv");
const MECHANISMS: &str = include_str!("../../seed/mechanisms.csv");
const MANDATES: &str = include_str!("../../seed/mandates.csv");
const RECOMMENDATIONS: &str = include_str!("../../seed/recommendations.csv");
const THESAURUS_TERMS: &str = include_str!("../../seed/thesaurus_terms.csv");
const RECOMMENDATION_TERMS: &str = include_str!("../../seed/recommendation_terms.csv");
const MANDATE_HOLDERS: &str = include_str!("../../seed/mandate_holders.csv");
const COUNTRY_SITUATIONS: &str = include_str!("../../seed/country_situations.csv");
const SITUATION_EVENTS: &str = include_str!("../../seed/situation_events.csv");
const KNOWLEDGE_ITEMS: &str = include_str!("../../seed/knowledge_items.csv");
const COMPLAINT_PUBLIC_FIGURES: &str = include_str!("../../seed/complaint_public_figures.csv");
const FUNDS: &str = include_str!("../../seed/funds.csv");

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
        reference::load_regional_groups(conn, stamp, &mut report)?;
        reference::load_countries(conn, stamp, &mut report)?;
        membership::load_aliases(conn, stamp, &mut report)?;
        reference::load_sessions(conn, stamp, &mut report)?;
        reference::load_sdgs(conn, stamp, &mut report)?;
        resolution::load_resolutions(conn, stamp, &mut report)?;
        resolution::load_votes(conn, stamp, &mut report)?;
        resolution::load_sponsors(conn, stamp, &mut report)?;
        resolution::load_reports(conn, stamp, &mut report)?;
        membership::load_memberships(conn, stamp, &mut report)?;
        mechanism::load_mechanisms(conn, stamp, &mut report)?;
        mechanism::load_mandates(conn, stamp, &mut report)?;
        recommendation::load_recommendations(conn, stamp, &mut report)?;
        recommendation::load_thesaurus(conn, stamp, &mut report)?;
        mechanism::load_holders(conn, stamp, &mut report)?;
        situation::load_situations(conn, stamp, &mut report)?;
        situation::load_knowledge(conn, stamp, &mut report)?;
        fund::load_complaint_figures(conn, stamp, &mut report)?;
        fund::load_funds(conn, stamp, &mut report)?;
        Ok(report)
    })
}

fn id_map<K: Eq + Hash>(rows: Vec<(i64, K)>) -> HashMap<K, i64> {
    rows.into_iter().map(|(id, key)| (key, id)).collect()
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

// The loaders of each source, after the `apply!` macro they use (a macro is seen by the modules declared after it).
mod fund;
mod mechanism;
mod membership;
mod recommendation;
mod reference;
mod resolution;
mod situation;

#[cfg(test)]
mod tests {
    use super::resolution::split_zh_names;
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
