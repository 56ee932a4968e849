//! Bulk import of recommendations (in the column layouts of the UHRI and UPR Info exports) and of implementation
//! reports, from CSV, JSON or NDJSON.
//!
//! Every row is checked ([`parse`]), then matched to the database's States, mandates, thesaurus terms, SDG targets,
//! documents and sessions; every problem is reported with its row and column. The whole file is one transaction:
//! nothing is written unless every row is valid, or, with `skip_invalid`, the valid rows are written and the others
//! reported. A record's identity is its source's (`uhri:<annotation id>`, `upr-info:<id>`, or `<symbol>:<paragraph>`),
//! so importing the same file again changes nothing, and importing a corrected file updates what changed.

pub mod parse;

use std::collections::HashMap;
use std::io::{BufRead, Read};

use chrono::NaiveDateTime;
use diesel::prelude::*;

pub use parse::{FieldError, Layout, RawRow, RecommendationRow, ReportRow, Warning};

use crate::models::{
    Addressee, ImplementationReport, NewImplementationReport, NewRecommendation, Recommendation, RecommendationSource,
    SessionBody, TermFacet,
};
use crate::schema::{
    audit_log, countries, implementation_reports, mandates, mechanisms, recommendation_sdg_targets,
    recommendation_terms, recommendations, reports, sdg_targets, sessions, thesaurus_terms,
};
use crate::DbConnection;

/// The format of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// A JSON array of objects, one per row.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }

    /// The format a file name's extension says.
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        Format::parse(path.extension()?.to_str()?)
    }
}

/// Why an import could not run at all (as opposed to rows that are invalid, which the [`Report`] lists).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file lacks the column(s) {} that the {layout} layout requires", .missing.join(", "))]
    Columns { layout: &'static str, missing: Vec<String> },
    #[error("the file could not be read: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Rows read one at a time from a file, with how far into it the reader is (in bytes).
pub struct Rows {
    layout: Layout,
    inner: RowsInner,
    number: usize,
    /// The file's size in bytes, for a progress bar.
    pub total_bytes: u64,
}

enum RowsInner {
    Csv(Box<csv::Reader<Box<dyn Read>>>, Vec<Option<parse::Field>>),
    Json(std::vec::IntoIter<serde_json::Value>, usize),
    Ndjson(Box<dyn BufRead>, u64),
}

impl Rows {
    /// Opens rows of a layout from a reader of `total_bytes` bytes.
    pub fn open(layout: Layout, format: Format, input: Box<dyn Read>, total_bytes: u64) -> Result<Rows, ImportError> {
        let inner = match format {
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
                let headers: Vec<String> = reader
                    .headers()
                    .map_err(|e| ImportError::Unreadable(e.to_string()))?
                    .iter()
                    .map(str::to_owned)
                    .collect();
                let mapped = parse::map_headers(layout, &headers)
                    .map_err(|missing| ImportError::Columns { layout: layout.name(), missing })?;
                RowsInner::Csv(Box::new(reader), mapped)
            }
            Format::Json => {
                let value: serde_json::Value =
                    serde_json::from_reader(input).map_err(|e| ImportError::Unreadable(e.to_string()))?;
                let serde_json::Value::Array(items) = value else {
                    return Err(ImportError::Unreadable("a JSON import is an array of objects, one per row".into()));
                };
                let count = items.len();
                RowsInner::Json(items.into_iter(), count)
            }
            Format::Ndjson => RowsInner::Ndjson(Box::new(std::io::BufReader::new(input)), 0),
        };
        Ok(Rows { layout, inner, number: 0, total_bytes })
    }

    /// How many bytes of the file have been read.
    pub fn position(&self) -> u64 {
        match &self.inner {
            RowsInner::Csv(reader, _) => reader.position().byte(),
            RowsInner::Json(items, count) => {
                let done = count - items.len();
                self.total_bytes.saturating_mul(done as u64) / (*count).max(1) as u64
            }
            RowsInner::Ndjson(_, read) => *read,
        }
    }

    fn row_error(&self, message: String) -> FieldError {
        FieldError { row: self.number, field: "row".into(), message }
    }
}

impl Iterator for Rows {
    type Item = Result<RawRow, FieldError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.number += 1;
        let layout = self.layout;
        let number = self.number;
        match &mut self.inner {
            RowsInner::Csv(reader, mapped) => {
                let mut record = csv::StringRecord::new();
                match reader.read_record(&mut record) {
                    Ok(false) => None,
                    Ok(true) => Some(Ok(parse::csv_row(number, mapped, &record))),
                    Err(e) => {
                        let message = format!("not a CSV record: {e}");
                        // An I/O error would repeat forever; a malformed record is skipped.
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            self.inner = RowsInner::Json(Vec::new().into_iter(), 0);
                        }
                        Some(Err(self.row_error(message)))
                    }
                }
            }
            RowsInner::Json(items, _) => match items.next()? {
                serde_json::Value::Object(object) => Some(Ok(parse::json_row(layout, number, &object))),
                _ => Some(Err(self.row_error("not a JSON object".into()))),
            },
            RowsInner::Ndjson(reader, read) => loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) => return None,
                    Ok(n) => {
                        *read += n as u64;
                        if line.trim().is_empty() {
                            continue;
                        }
                        return Some(match serde_json::from_str::<serde_json::Value>(&line) {
                            Ok(serde_json::Value::Object(object)) => Ok(parse::json_row(layout, number, &object)),
                            Ok(_) => Err(self.row_error("not a JSON object".into())),
                            Err(e) => Err(self.row_error(format!("not JSON: {e}"))),
                        });
                    }
                    Err(e) => {
                        let message = format!("could not be read: {e}");
                        self.inner = RowsInner::Json(Vec::new().into_iter(), 0);
                        return Some(Err(self.row_error(message)));
                    }
                }
            },
        }
    }
}

/// How an import runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Write the valid rows and report the invalid ones, instead of writing nothing when any row is invalid.
    pub skip_invalid: bool,
    /// Check and match every row, then write nothing.
    pub dry_run: bool,
    /// Flag imported recommendations fictional (test and demonstration files); real and fictional records never
    /// replace each other.
    pub fictional: bool,
    /// The citation stored in each record's `source`, followed by the record's source identity.
    pub citation: String,
    /// Who runs the import, for the audit log.
    pub actor: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows with at least one error (none of them written).
    pub invalid_rows: usize,
    /// Whether the transaction was committed (false on a dry run, or when a row was invalid without skip_invalid).
    pub committed: bool,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<Warning>,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// Rolls the transaction back while keeping the report.
#[derive(Debug)]
enum Abort {
    Rollback,
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Abort {
        Abort::Database(e)
    }
}

/// Imports every row, calling `progress` with the bytes read after each one.
pub fn run(
    conn: &mut DbConnection,
    layout: Layout,
    rows: Rows,
    options: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let mut report = Report::default();
    let result = conn.transaction::<(), Abort, _>(|conn| {
        let mut resolver = Resolver::load(conn)?;
        let mut rows = rows;
        while let Some(raw) = rows.next() {
            report.rows += 1;
            let outcome = match raw {
                Err(e) => Err(vec![e]),
                Ok(raw) => import_row(conn, &mut resolver, layout, &raw, options, &mut report.warnings),
            };
            match outcome {
                Ok(Outcome::Created) => report.created += 1,
                Ok(Outcome::Updated) => report.updated += 1,
                Ok(Outcome::Unchanged) => report.unchanged += 1,
                Err(errors) => {
                    report.invalid_rows += 1;
                    report.errors.extend(errors);
                }
            }
            progress(rows.position());
        }
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

/// A row that is not written: invalid, or refused by the database. Either rolls its savepoint back.
enum RowFailure {
    Invalid(Vec<FieldError>),
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for RowFailure {
    fn from(e: diesel::result::Error) -> RowFailure {
        RowFailure::Database(e)
    }
}

impl From<Vec<FieldError>> for RowFailure {
    fn from(errors: Vec<FieldError>) -> RowFailure {
        RowFailure::Invalid(errors)
    }
}

/// One row, in a savepoint of its own, so that a row that fails leaves nothing behind (not even the document or
/// session it would have added) and the others as they were.
fn import_row(
    conn: &mut DbConnection,
    resolver: &mut Resolver,
    layout: Layout,
    raw: &RawRow,
    options: &Options,
    warnings: &mut Vec<Warning>,
) -> Result<Outcome, Vec<FieldError>> {
    resolver.added.clear();
    let result = conn.transaction::<(Outcome, Vec<Warning>), RowFailure, _>(|conn| match layout {
        Layout::Implementation => {
            let row = parse::report(raw)?;
            Ok((write_report(conn, resolver, &row, options)??, Vec::new()))
        }
        Layout::Uhri | Layout::UprInfo => {
            let (row, row_warnings) = parse::recommendation(layout, raw)?;
            let resolved = resolver.resolve(conn, layout, &row, options)??;
            Ok((write_recommendation(conn, &row, resolved, options)??, row_warnings))
        }
    });
    match result {
        Ok((outcome, row_warnings)) => {
            warnings.extend(row_warnings);
            Ok(outcome)
        }
        Err(failure) => {
            resolver.forget_added();
            Err(match failure {
                RowFailure::Invalid(errors) => errors,
                // The database's own message: it names no confidential value (an import writes public tables only).
                RowFailure::Database(e) => vec![FieldError {
                    row: raw.number,
                    field: "row".into(),
                    message: format!("the database refused it: {e}"),
                }],
            })
        }
    }
}

/// Loose matching of names: case, spaces, punctuation and `&`/`and` ignored.
fn loose(text: &str) -> String {
    let lower = text.to_lowercase().replace('&', " and ");
    lower.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The ten treaty bodies and the Subcommittee on Prevention of Torture, as UHRI abbreviates them.
const TREATY_BODIES: &[&str] =
    &["CAT", "CCPR", "CED", "CEDAW", "CERD", "CESCR", "CMW", "CRC", "CRC-OP-AC", "CRC-OP-SC", "CRPD", "SPT"];

/// The database's names and codes, loaded once per import; documents and UPR sessions a file names that the
/// database lacks are added as the import meets them.
struct Resolver {
    countries: HashMap<String, i64>,
    mandates: HashMap<String, (i64, i64)>,
    terms: HashMap<(String, String), i64>,
    targets: HashMap<String, i64>,
    reports: HashMap<String, i64>,
    upr_sessions: HashMap<i32, i64>,
    upr: Option<i64>,
    recommendations: HashMap<String, (i64, bool)>,
    /// What the current row added to the maps above, to forget if its savepoint is rolled back.
    added: Vec<Added>,
}

enum Added {
    Report(String),
    Session(i32),
}

/// A row matched to the database's ids.
struct Resolved {
    new: NewRecommendation,
    term_ids: Vec<i64>,
    target_ids: Vec<i64>,
}

impl Resolver {
    fn load(conn: &mut DbConnection) -> QueryResult<Resolver> {
        let mut countries = HashMap::new();
        for (id, iso3, name_en, name_zh) in countries::table
            .select((countries::id, countries::iso3, countries::name_en, countries::name_zh))
            .load::<(i64, String, String, String)>(conn)?
        {
            countries.insert(loose(&iso3), id);
            countries.insert(loose(&name_en), id);
            countries.insert(name_zh, id);
        }
        let mut mandates_by = HashMap::new();
        for (id, key, mechanism, name) in mandates::table
            .select((mandates::id, mandates::key, mandates::mechanism_id, mandates::name_en))
            .load::<(i64, String, i64, String)>(conn)?
        {
            mandates_by.insert(loose(&key), (id, mechanism));
            mandates_by.insert(loose(&name), (id, mechanism));
        }
        let mut terms = HashMap::new();
        for (id, key, facet, name) in thesaurus_terms::table
            .select((thesaurus_terms::id, thesaurus_terms::key, thesaurus_terms::facet, thesaurus_terms::name_en))
            .load::<(i64, String, String, String)>(conn)?
        {
            terms.insert((facet.clone(), loose(&key)), id);
            terms.insert((facet, loose(&name)), id);
        }
        let targets = sdg_targets::table.select((sdg_targets::code, sdg_targets::id)).load(conn)?.into_iter().collect();
        let reports = reports::table.select((reports::symbol, reports::id)).load(conn)?.into_iter().collect();
        let upr_sessions = sessions::table
            .filter(sessions::body.eq(SessionBody::UprWorkingGroup.as_str()))
            .select((sessions::number, sessions::id))
            .load(conn)?
            .into_iter()
            .collect();
        let upr = mechanisms::table.filter(mechanisms::key.eq("upr")).select(mechanisms::id).first(conn).optional()?;
        Ok(Resolver {
            countries,
            mandates: mandates_by,
            terms,
            targets,
            reports,
            upr_sessions,
            upr,
            recommendations: HashMap::new(),
            added: Vec::new(),
        })
    }

    fn forget_added(&mut self) {
        for added in self.added.drain(..) {
            match added {
                Added::Report(symbol) => self.reports.remove(&symbol),
                Added::Session(number) => self.upr_sessions.remove(&number),
            };
        }
    }

    fn country(&self, name: &str) -> Option<i64> {
        self.countries.get(&loose(name)).or_else(|| self.countries.get(name)).copied()
    }

    fn report_id(
        &mut self,
        conn: &mut DbConnection,
        symbol: &str,
        published_on: Option<chrono::NaiveDate>,
        source: &str,
    ) -> QueryResult<i64> {
        if let Some(id) = self.reports.get(symbol) {
            return Ok(*id);
        }
        let now = now();
        let id = diesel::insert_into(reports::table)
            .values((
                reports::symbol.eq(symbol),
                reports::published_on.eq(published_on),
                reports::source.eq(source),
                reports::created_at.eq(now),
                reports::updated_at.eq(now),
            ))
            .returning(reports::id)
            .get_result(conn)?;
        self.reports.insert(symbol.to_owned(), id);
        self.added.push(Added::Report(symbol.to_owned()));
        Ok(id)
    }

    fn upr_session_id(&mut self, conn: &mut DbConnection, number: i32, source: &str) -> QueryResult<i64> {
        if let Some(id) = self.upr_sessions.get(&number) {
            return Ok(*id);
        }
        let now = now();
        let id = diesel::insert_into(sessions::table)
            .values((
                sessions::body.eq(SessionBody::UprWorkingGroup.as_str()),
                sessions::number.eq(number),
                sessions::source.eq(source),
                sessions::created_at.eq(now),
                sessions::updated_at.eq(now),
            ))
            .returning(sessions::id)
            .get_result(conn)?;
        self.upr_sessions.insert(number, id);
        self.added.push(Added::Session(number));
        Ok(id)
    }

    /// Matches a row's names to ids, or names every one that matches nothing.
    fn resolve(
        &mut self,
        conn: &mut DbConnection,
        layout: Layout,
        row: &RecommendationRow,
        options: &Options,
    ) -> QueryResult<Result<Resolved, Vec<FieldError>>> {
        let columns = layout.columns();
        let column = |field: parse::Field| {
            columns.iter().find(|c| c.field == field).map(|c| c.names[0]).unwrap_or("row").to_owned()
        };
        let mut errors = Vec::new();
        let mut error = |field: parse::Field, message: String| {
            errors.push(FieldError { row: row.row, field: column(field), message });
        };
        let country_id = self.country(&row.country);
        if country_id.is_none() {
            error(parse::Field::Country, format!("there is no State named {:?}", row.country));
        }
        let recommending = match &row.recommending_state {
            Some(name) => {
                let found = self.country(name);
                if found.is_none() {
                    error(parse::Field::RecommendingStates, format!("there is no State named {name:?}"));
                }
                found
            }
            None => None,
        };
        let body = row.body.trim();
        let (source_kind, mechanism_id, mandate_id) = if body.eq_ignore_ascii_case("UPR") {
            (RecommendationSource::Upr, self.upr, None)
        } else if TREATY_BODIES.iter().any(|b| b.eq_ignore_ascii_case(body)) {
            (RecommendationSource::TreatyBody, None, None)
        } else if let Some((mandate, mechanism)) = self.mandates.get(&loose(body)) {
            (RecommendationSource::SpecialProcedure, Some(*mechanism), Some(*mandate))
        } else {
            error(
                parse::Field::Body,
                format!("{body:?} is not UPR, a treaty body (CAT, CCPR, CEDAW…) or a mandate this API holds"),
            );
            (RecommendationSource::Upr, None, None)
        };
        let mut term_ids = Vec::new();
        for (field, values, facet) in [
            (parse::Field::Themes, &row.themes, TermFacet::Theme),
            (parse::Field::AffectedPersons, &row.affected_persons, TermFacet::AffectedPersons),
        ] {
            for value in values {
                match self.terms.get(&(facet.as_str().to_owned(), loose(value))) {
                    Some(id) => term_ids.push(*id),
                    None => error(field, format!("there is no thesaurus term {value:?}")),
                }
            }
        }
        let mut target_ids = Vec::new();
        for code in &row.sdg_targets {
            match self.targets.get(code) {
                Some(id) => target_ids.push(*id),
                None => error(parse::Field::Sdgs, format!("there is no SDG target {code}")),
            }
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        term_ids.sort_unstable();
        term_ids.dedup();
        target_ids.sort_unstable();
        target_ids.dedup();
        let source = format!("{}: {}", options.citation, row.key);
        let report_id = match &row.symbol {
            Some(symbol) => Some(self.report_id(conn, symbol, row.made_on, &source)?),
            None => None,
        };
        let session_id = match row.upr_session.filter(|_| source_kind == RecommendationSource::Upr) {
            Some(number) => Some(self.upr_session_id(conn, number, &source)?),
            None => None,
        };
        Ok(Ok(Resolved {
            new: NewRecommendation {
                key: row.key.clone(),
                source_kind: source_kind.as_str().to_owned(),
                mechanism_id,
                mandate_id,
                report_id,
                paragraph: row.paragraph.clone(),
                addressee: Addressee::State.as_str().to_owned(),
                country_id,
                recommending_country_id: recommending,
                upr_cycle: row.upr_cycle.filter(|_| source_kind == RecommendationSource::Upr),
                session_id,
                response: row.response.map(|r| r.as_str().to_owned()),
                text_en: Some(row.text.clone()),
                text_zh: None,
                priority: false,
                cluster: None,
                fictional: options.fictional,
                source,
                made_on: row.made_on,
            },
            term_ids,
            target_ids,
        }))
    }
}

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn links(conn: &mut DbConnection, id: i64) -> QueryResult<(Vec<i64>, Vec<i64>)> {
    let mut terms: Vec<i64> = recommendation_terms::table
        .filter(recommendation_terms::recommendation_id.eq(id))
        .select(recommendation_terms::term_id)
        .load(conn)?;
    let mut targets: Vec<i64> = recommendation_sdg_targets::table
        .filter(recommendation_sdg_targets::recommendation_id.eq(id))
        .select(recommendation_sdg_targets::sdg_target_id)
        .load(conn)?;
    terms.sort_unstable();
    targets.sort_unstable();
    Ok((terms, targets))
}

fn set_links(conn: &mut DbConnection, id: i64, terms: &[i64], targets: &[i64]) -> QueryResult<()> {
    diesel::delete(recommendation_terms::table.filter(recommendation_terms::recommendation_id.eq(id))).execute(conn)?;
    diesel::delete(recommendation_sdg_targets::table.filter(recommendation_sdg_targets::recommendation_id.eq(id)))
        .execute(conn)?;
    // One statement each: diesel's multi-backend connection has no batch insert.
    for term in terms {
        diesel::insert_into(recommendation_terms::table)
            .values((recommendation_terms::recommendation_id.eq(id), recommendation_terms::term_id.eq(*term)))
            .execute(conn)?;
    }
    for target in targets {
        diesel::insert_into(recommendation_sdg_targets::table)
            .values((
                recommendation_sdg_targets::recommendation_id.eq(id),
                recommendation_sdg_targets::sdg_target_id.eq(*target),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The fields an import sets, as they stand in a stored row, for comparison.
fn same(existing: &Recommendation, new: &NewRecommendation) -> bool {
    existing.source_kind == new.source_kind
        && existing.mechanism_id == new.mechanism_id
        && existing.mandate_id == new.mandate_id
        && existing.report_id == new.report_id
        && existing.paragraph == new.paragraph
        && existing.addressee == new.addressee
        && existing.country_id == new.country_id
        && existing.recommending_country_id == new.recommending_country_id
        && existing.upr_cycle == new.upr_cycle
        && existing.session_id == new.session_id
        && existing.response == new.response
        && existing.text_en == new.text_en
        && existing.source == new.source
        && existing.made_on == new.made_on
}

const IMPORTED: &str = "recommendation.import";

fn write_recommendation(
    conn: &mut DbConnection,
    row: &RecommendationRow,
    resolved: Resolved,
    options: &Options,
) -> QueryResult<Result<Outcome, Vec<FieldError>>> {
    let Resolved { new, term_ids, target_ids } = resolved;
    let key_error = |message: String| Ok(Err(vec![FieldError { row: row.row, field: "key".into(), message }]));
    let audit = |action: &'static str, detail: serde_json::Value| crate::audit::Entry {
        actor: options.actor.clone(),
        action,
        entity: "Recommendation",
        entity_key: new.key.clone(),
        detail: detail.to_string(),
    };
    let now = now();
    let Some(existing) = Recommendation::by_key(conn, &new.key)? else {
        let id: i64 = diesel::insert_into(recommendations::table)
            .values((&new, recommendations::created_at.eq(now), recommendations::updated_at.eq(now)))
            .returning(recommendations::id)
            .get_result(conn)?;
        set_links(conn, id, &term_ids, &target_ids)?;
        audit(IMPORTED, serde_json::json!({ "created": true, "source": new.source })).write(conn, now)?;
        return Ok(Ok(Outcome::Created));
    };
    if existing.fictional != new.fictional {
        return key_error(format!(
            "{} names a {} record; a {} import never replaces it",
            new.key,
            if existing.fictional { "fictional" } else { "real" },
            if new.fictional { "fictional" } else { "real" }
        ));
    }
    let imported = audit_log::table
        .filter(audit_log::entity.eq("Recommendation"))
        .filter(audit_log::entity_key.eq(&new.key))
        .filter(audit_log::action.eq(IMPORTED))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !imported {
        return key_error(format!(
            "{} names a record that was not imported; an import leaves it as it is (change it with \
             updateRecommendation)",
            new.key
        ));
    }
    if same(&existing, &new) && links(conn, existing.id)? == (term_ids.clone(), target_ids.clone()) {
        return Ok(Ok(Outcome::Unchanged));
    }
    diesel::update(recommendations::table.find(existing.id))
        .set((
            recommendations::source_kind.eq(&new.source_kind),
            recommendations::mechanism_id.eq(new.mechanism_id),
            recommendations::mandate_id.eq(new.mandate_id),
            recommendations::report_id.eq(new.report_id),
            recommendations::paragraph.eq(&new.paragraph),
            recommendations::addressee.eq(&new.addressee),
            recommendations::country_id.eq(new.country_id),
            recommendations::recommending_country_id.eq(new.recommending_country_id),
            recommendations::upr_cycle.eq(new.upr_cycle),
            recommendations::session_id.eq(new.session_id),
            recommendations::response.eq(&new.response),
            recommendations::text_en.eq(&new.text_en),
            recommendations::source.eq(&new.source),
            recommendations::made_on.eq(new.made_on),
            recommendations::version.eq(existing.version + 1),
            recommendations::updated_at.eq(now),
        ))
        .execute(conn)?;
    set_links(conn, existing.id, &term_ids, &target_ids)?;
    audit(IMPORTED, serde_json::json!({ "updated": true, "source": new.source })).write(conn, now)?;
    Ok(Ok(Outcome::Updated))
}

fn write_report(
    conn: &mut DbConnection,
    resolver: &mut Resolver,
    row: &ReportRow,
    options: &Options,
) -> QueryResult<Result<Outcome, Vec<FieldError>>> {
    let error = |message: String| Ok(Err(vec![FieldError { row: row.row, field: "Recommendation".into(), message }]));
    let (id, fictional) = match resolver.recommendations.get(&row.recommendation) {
        Some(found) => *found,
        None => match Recommendation::by_key(conn, &row.recommendation)? {
            Some(r) => {
                resolver.recommendations.insert(r.key.clone(), (r.id, r.fictional));
                (r.id, r.fictional)
            }
            None => return error(format!("there is no recommendation {:?}", row.recommendation)),
        },
    };
    if fictional != options.fictional {
        return error(format!(
            "{:?} is a {} recommendation; import its reports {}",
            row.recommendation,
            if fictional { "fictional" } else { "real" },
            if fictional { "with --fictional" } else { "without --fictional" }
        ));
    }
    let existing: i64 = implementation_reports::table
        .filter(implementation_reports::recommendation_id.eq(id))
        .filter(implementation_reports::status.eq(row.status.as_str()))
        .filter(implementation_reports::reported_on.eq(row.reported_on))
        .filter(implementation_reports::source_kind.eq(row.source_kind.as_str()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(Ok(Outcome::Unchanged));
    }
    let now = now();
    let report = NewImplementationReport {
        recommendation_id: id,
        status: row.status.as_str().to_owned(),
        reported_on: row.reported_on,
        source_kind: row.source_kind.as_str().to_owned(),
        evidence: row.evidence.clone(),
        fictional,
        created_at: now,
    };
    let audit = crate::audit::Entry {
        actor: options.actor.clone(),
        action: "implementation_report.import",
        entity: "Recommendation",
        entity_key: row.recommendation.clone(),
        detail: serde_json::json!({
            "status": row.status.as_str(),
            "reportedOn": row.reported_on.to_string(),
            "sourceKind": row.source_kind.as_str(),
            "source": options.citation,
        })
        .to_string(),
    };
    ImplementationReport::append(conn, &report, &audit)?;
    Ok(Ok(Outcome::Created))
}
