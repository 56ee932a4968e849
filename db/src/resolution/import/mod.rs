//! `hrc-api import resolutions FILE` and `hrc-api import votes FILE`: the Council's recorded votes as the OHCHR
//! library publishes them (its Voting collection, as MARCXML, or the CSV files harvested from it).
//!
//! A text's identity is its symbol, so importing a file again changes nothing. A text the seeds also hold (45/31)
//! stays one record: the import fills what the seed leaves empty, and where the two disagree the report says so and
//! the seed's value stays. Where the official totals and the roll call disagree (they do for some real texts), both
//! are kept and the text is flagged (`tally_disagrees`). Nothing is written unless every row is valid, or with
//! `skip_invalid` the valid ones; a dry run writes nothing. After a write, the Council membership terms read off
//! the roll calls are derived anew ([`super::membership::derive`]).

pub mod marc;
pub mod read;
mod write;

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::import::parse::FieldError;
use crate::import::ImportError;
use crate::models::{AdoptionMethod, ResolutionKind, ResolutionStatus, Vote};
use crate::resolution::membership::Derived;
use crate::DbConnection;
use read::{TextRecord, VoteRecord};
use write::{Context, Text};

/// The citation each imported record's `source` starts with, unless the import names another.
pub const DEFAULT_CITATION: &str = "OHCHR Search Library, Voting collection";

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub dry_run: bool,
    pub skip_invalid: bool,
    /// The citation of the source; [`DEFAULT_CITATION`] when `None`.
    pub citation: Option<String>,
    /// Who imports, for the audit log.
    pub actor: String,
}

/// A text whose official totals and roll call disagree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlaggedText {
    pub symbol: String,
    /// Yes, no, abstain, as the record's totals give them.
    pub official: [i32; 3],
    /// Yes, no, abstain, as counted from the roll call.
    pub roll_call: [i64; 3],
}

/// A field on which a seeded record and the import disagree; the seed's value is kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedDisagreement {
    pub symbol: String,
    pub field: String,
    pub seed: String,
    pub import: String,
}

/// What an import did (or, when not committed, would have done).
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub invalid_rows: usize,
    pub committed: bool,
    pub dry_run: bool,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
    /// Every text of the import whose official totals and roll call disagree.
    pub flagged_texts: Vec<FlaggedText>,
    pub seed_disagreements: Vec<SeedDisagreement>,
    /// Council sessions first named by this import's symbols.
    pub sessions_created: usize,
    /// The membership terms derived anew from the roll calls.
    pub membership: Derived,
}

/// What one row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl Report {
    /// Counts a row read from the file; one the reader could not make a record of is an invalid row.
    fn take<T>(&mut self, record: Result<T, FieldError>) -> Option<T> {
        self.rows += 1;
        record
            .map_err(|e| {
                self.invalid_rows += 1;
                self.errors.push(e);
            })
            .ok()
    }

    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// Rolls the transaction back while keeping the report.
enum Abort {
    Rollback,
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Abort {
        Abort::Database(e)
    }
}

/// Runs `body` in one transaction, then keeps or rolls back what it wrote as the options and the report say.
fn transaction(
    conn: &mut DbConnection,
    options: &Options,
    mut report: Report,
    body: impl FnOnce(&mut DbConnection, &mut Report) -> QueryResult<()>,
) -> Result<Report, ImportError> {
    report.dry_run = options.dry_run;
    let result = conn.transaction::<(), Abort, _>(|conn| {
        body(conn, &mut report)?;
        if options.dry_run || (report.invalid_rows > 0 && !options.skip_invalid) {
            return Err(Abort::Rollback);
        }
        Ok(())
    });
    match result {
        Ok(()) => {
            report.committed = true;
            Ok(report)
        }
        Err(Abort::Rollback) => Ok(report),
        Err(Abort::Database(e)) => Err(ImportError::Database(e)),
    }
}

fn error(row: usize, field: &str, message: impl Into<String>) -> FieldError {
    FieldError { row, field: field.into(), message: message.into() }
}

/// A vote code of the library's roll calls.
pub fn vote_code(code: &str) -> Option<Vote> {
    match code.trim() {
        "Y" | "y" => Some(Vote::Yes),
        "N" | "n" => Some(Vote::No),
        "A" | "a" => Some(Vote::Abstain),
        "." => Some(Vote::NonVoting),
        "-" => Some(Vote::Absent),
        _ => None,
    }
}

fn bad_code(code: &str) -> String {
    format!("vote code {code:?} is not one of Y (yes), N (no), A (abstain), . (present, not voting), - (absent)")
}

/// Checks one text record and works out what it says; the errors name each field at fault.
fn check_text(ctx: &Context, record: &TextRecord, warnings: &mut Vec<FieldError>) -> Result<Text, Vec<FieldError>> {
    let row = record.row;
    let mut errors = Vec::new();
    let symbol = read::symbol(&record.symbol);
    match &symbol {
        None => errors.push(error(
            row,
            "symbol",
            format!("{:?} is not a Human Rights Council symbol (A/HRC/…)", record.symbol),
        )),
        Some(s) if s != record.symbol.trim() => {
            warnings.push(error(row, "symbol", format!("{:?} is read as {s}", record.symbol)));
        }
        Some(_) => {}
    }
    let adopted_on = match record.date.as_deref() {
        Some(raw) => match read::date(raw) {
            Some(d) => Some(d),
            None => {
                errors.push(error(row, "date", format!("{raw:?} is not a date (YYYY-MM-DD or YYYYMMDD)")));
                None
            }
        },
        None => {
            warnings.push(error(row, "date", "no date: the text is kept without one"));
            None
        }
    };
    let mut total = |field: &str, raw: &Option<String>| -> Option<i32> {
        let raw = raw.as_deref()?;
        match raw.trim().parse::<i32>() {
            Ok(n) if (0..=193).contains(&n) => Some(n),
            _ => {
                errors.push(error(row, field, format!("{raw:?} is not a count of votes")));
                None
            }
        }
    };
    let official = [total("yes", &record.yes), total("no", &record.no), total("abstain", &record.abstain)];
    let non_voting = total("non_voting", &record.non_voting);
    let mut roll_call = Vec::with_capacity(record.roll_call.len());
    let mut seen = HashSet::new();
    for (iso3, code) in &record.roll_call {
        let country = ctx.country(iso3);
        let vote = vote_code(code);
        match (country, vote) {
            (Some(country), Some(vote)) if seen.insert(country) => roll_call.push((row, country, vote)),
            (Some(_), Some(_)) => errors.push(error(row, "967", format!("{iso3} is listed twice in the roll call"))),
            (None, _) => errors.push(error(row, "967", ctx.unknown_country(iso3))),
            (_, None) => errors.push(error(row, "967", bad_code(code))),
        }
    }
    let agenda_number = match record.agenda_number.as_deref() {
        Some(raw) => match raw.trim().trim_start_matches("Item").trim().parse::<i32>() {
            Ok(n) if (1..=10).contains(&n) => Some(n),
            _ => {
                warnings.push(error(
                    row,
                    "agenda_item",
                    format!("agenda item number {raw:?} is not 1 to 10: not kept"),
                ));
                None
            }
        },
        None => record.agenda_title.as_deref().and_then(read::agenda_number),
    };
    let adoption_method = match record.adoption.as_deref().map(str::to_ascii_uppercase) {
        Some(a) if a.contains("WITHOUT") => Some(AdoptionMethod::WithoutVote),
        Some(a) if a.contains("RECORDED") || a.contains("VOTE") => Some(AdoptionMethod::RecordedVote),
        Some(other) => {
            warnings.push(error(row, "591", format!("manner of adoption {other:?} is not known: not kept")));
            None
        }
        None if official.iter().any(Option::is_some) || !roll_call.is_empty() => Some(AdoptionMethod::RecordedVote),
        None => None,
    };
    let Some(symbol) = symbol else { return Err(errors) };
    if !errors.is_empty() {
        return Err(errors);
    }
    let (title, stated) = match record.title.as_deref() {
        Some(raw) => {
            let (title, stated) = read::title(raw);
            (Some(title), stated)
        }
        None => (None, None),
    };
    let kind = read::kind(&symbol, stated);
    let official = match official {
        [Some(y), Some(n), Some(a)] => Some([y, n, a]),
        _ => None,
    };
    let status = match kind {
        ResolutionKind::Resolution | ResolutionKind::Decision => ResolutionStatus::Adopted,
        // A draft or amendment put to the vote carried if more voted for it than against.
        _ => {
            let [y, n] = match official {
                Some([y, n, _]) => [y as usize, n as usize],
                None => [Vote::Yes, Vote::No].map(|v| roll_call.iter().filter(|(_, _, x)| *x == v).count()),
            };
            if y > n {
                ResolutionStatus::Adopted
            } else {
                ResolutionStatus::Draft
            }
        }
    };
    let (session, special_session) = read::session_of(&symbol);
    Ok(Text {
        row,
        concerns: read::concerns(&symbol).map(str::to_owned),
        symbol,
        kind,
        status,
        session,
        special_session,
        adopted_on,
        title,
        agenda_item: agenda_number,
        agenda_title: record.agenda_title.clone(),
        subject: record.subject.clone(),
        meeting: record.meeting.clone(),
        main_sponsors: record.main_sponsors.clone(),
        adoption_method,
        official,
        non_voting,
        roll_call,
    })
}

/// Imports texts (with their roll calls, where the records hold them).
pub fn texts(
    conn: &mut DbConnection,
    records: Vec<Result<TextRecord, FieldError>>,
    options: &Options,
) -> Result<Report, ImportError> {
    let citation = options.citation.clone().unwrap_or_else(|| DEFAULT_CITATION.to_owned());
    transaction(conn, options, Report::default(), |conn, report| {
        let mut ctx = Context::load(conn, citation, options.actor.clone())?;
        let mut symbols = HashSet::new();
        for record in records {
            let Some(record) = report.take(record) else { continue };
            match check_text(&ctx, &record, &mut report.warnings) {
                Err(errors) => {
                    report.invalid_rows += 1;
                    report.errors.extend(errors);
                }
                Ok(text) if !symbols.insert(text.symbol.clone()) => {
                    report.warnings.push(error(
                        record.row,
                        "symbol",
                        format!("{} is in the file twice: the later row is read", text.symbol),
                    ));
                    let outcome = ctx.write_text(conn, &text, report)?;
                    report.count(outcome);
                }
                Ok(text) => {
                    let outcome = ctx.write_text(conn, &text, report)?;
                    report.count(outcome);
                }
            }
        }
        ctx.finish(conn, report)
    })
}

/// Imports roll calls: one member's vote a row, the texts already imported.
pub fn votes(
    conn: &mut DbConnection,
    records: Vec<Result<VoteRecord, FieldError>>,
    options: &Options,
) -> Result<Report, ImportError> {
    let citation = options.citation.clone().unwrap_or_else(|| DEFAULT_CITATION.to_owned());
    transaction(conn, options, Report::default(), |conn, report| {
        let mut ctx = Context::load(conn, citation, options.actor.clone())?;
        // Rows grouped by text, in the file's order; a pair listed twice is read once.
        let mut order: Vec<String> = Vec::new();
        let mut by_text: HashMap<String, Vec<(usize, i64, Vote)>> = HashMap::new();
        let mut seen: HashMap<(String, i64), (usize, Vote)> = HashMap::new();
        for record in records {
            let Some(record) = report.take(record) else { continue };
            let row = record.row;
            let mut errors = Vec::new();
            let symbol = read::symbol(&record.symbol);
            match &symbol {
                None => errors.push(error(
                    row,
                    "symbol",
                    format!("{:?} is not a Human Rights Council symbol", record.symbol),
                )),
                Some(s) if !ctx.holds(s) => errors.push(error(
                    row,
                    "symbol",
                    format!("no text {s} is held: import its resolution record first"),
                )),
                Some(_) => {}
            }
            let country = ctx.country(&record.iso3);
            if country.is_none() {
                errors.push(error(row, "iso3", ctx.unknown_country(&record.iso3)));
            }
            let vote = vote_code(&record.code);
            if vote.is_none() {
                errors.push(error(row, "vote", bad_code(&record.code)));
            }
            let (Some(symbol), Some(country), Some(vote), true) = (symbol, country, vote, errors.is_empty()) else {
                report.invalid_rows += 1;
                report.errors.extend(errors);
                continue;
            };
            match seen.get(&(symbol.clone(), country)) {
                Some((first, earlier)) if *earlier == vote => {
                    report.warnings.push(error(row, "iso3", format!("{} repeats row {first}: read once", record.iso3)));
                    report.unchanged += 1;
                    continue;
                }
                Some((first, _)) => {
                    let message = format!("{} votes differently in row {first} on {symbol}", record.iso3);
                    report.invalid_rows += 1;
                    report.errors.push(error(row, "vote", message));
                    continue;
                }
                None => {}
            }
            seen.insert((symbol.clone(), country), (row, vote));
            if !by_text.contains_key(&symbol) {
                order.push(symbol.clone());
            }
            by_text.entry(symbol).or_default().push((row, country, vote));
        }
        for symbol in order {
            let votes = by_text.remove(&symbol).unwrap_or_default();
            for outcome in ctx.write_roll_call(conn, &symbol, &votes, report)? {
                report.count(outcome);
            }
        }
        ctx.finish(conn, report)
    })
}
