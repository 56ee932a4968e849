//! Reading rows of an import file and checking each field, with no database: what `cargo fuzz run import_row`
//! exercises. A row either parses into a record or yields every field error it has.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::models::{ImplementationSource, ImplementationStatus, Response};

/// The column layout of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The Universal Human Rights Index's export (uhri.ohchr.org, "Export to Excel", saved as CSV, or its JSON).
    Uhri,
    /// The UPR Info database's export of recommendations.
    UprInfo,
    /// Implementation reports: recommendation key, status, date, source, evidence.
    Implementation,
}

impl Layout {
    pub fn parse(name: &str) -> Option<Layout> {
        match name.to_ascii_lowercase().as_str() {
            "uhri" => Some(Layout::Uhri),
            "upr-info" | "uprinfo" | "upr_info" => Some(Layout::UprInfo),
            "implementation" => Some(Layout::Implementation),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Layout::Uhri => "uhri",
            Layout::UprInfo => "upr-info",
            Layout::Implementation => "implementation",
        }
    }

    /// The citation stored in `source` when the command line gives none.
    pub fn default_citation(self) -> &'static str {
        match self {
            Layout::Uhri => "Universal Human Rights Index export (uhri.ohchr.org)",
            Layout::UprInfo => "UPR Info database export (upr-info.org)",
            Layout::Implementation => "implementation reports import",
        }
    }

    /// The layout's columns. The first name is the one error messages use; the others are accepted too. Header
    /// matching ignores case, spaces, `_` and `-`.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Layout::Uhri => UHRI,
            Layout::UprInfo => UPR_INFO,
            Layout::Implementation => IMPLEMENTATION,
        }
    }
}

/// The fields an import knows, whatever a layout calls them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Text,
    Country,
    Body,
    Symbol,
    Paragraph,
    Themes,
    AffectedPersons,
    Sdgs,
    Date,
    SourceId,
    UprSession,
    UprCycle,
    RecommendingStates,
    Response,
    Recommendation,
    Status,
    ReportedOn,
    ReportSource,
    Evidence,
}

/// A column of a layout.
#[derive(Debug)]
pub struct Column {
    pub field: Field,
    pub names: &'static [&'static str],
    pub required: bool,
}

const fn col(field: Field, names: &'static [&'static str], required: bool) -> Column {
    Column { field, names, required }
}

// UHRI's own headers, its spelling ("Reccomending") included.
const UHRI: &[Column] = &[
    col(Field::Text, &["Text", "Recommendation"], true),
    col(Field::Country, &["Countries Concerned", "Country", "Countries"], true),
    col(Field::Body, &["Reccomending Body", "Recommending Body", "Body"], true),
    col(Field::Symbol, &["Document Symbol", "Symbol"], false),
    col(Field::Paragraph, &["Paragraph"], false),
    col(Field::Themes, &["Themes"], false),
    col(Field::AffectedPersons, &["Affected Persons", "Concerned Groups"], false),
    col(Field::Sdgs, &["Sdgs", "SDG"], false),
    col(Field::Date, &["Document Publication Date", "Publication Date"], false),
    col(Field::SourceId, &["OHCHR Annotation Id", "Annotation Id"], false),
    col(Field::UprSession, &["UPR Session"], false),
    col(Field::UprCycle, &["UPR Cycle"], false),
    col(Field::RecommendingStates, &["UPR Reccomending States", "UPR Recommending States"], false),
    col(Field::Response, &["UPR Position", "Position"], false),
];

const UPR_INFO: &[Column] = &[
    col(Field::Text, &["Recommendation"], true),
    col(Field::Country, &["State under Review", "SuR"], true),
    col(Field::RecommendingStates, &["Recommending State", "RS"], true),
    col(Field::Response, &["Response", "Position"], false),
    col(Field::Themes, &["Issues", "Issue", "Themes"], false),
    col(Field::AffectedPersons, &["Affected Persons", "Groups"], false),
    col(Field::Sdgs, &["SDGs", "SDG"], false),
    col(Field::UprCycle, &["Cycle"], false),
    col(Field::UprSession, &["Session"], false),
    col(Field::Paragraph, &["Paragraph"], false),
    col(Field::Symbol, &["Document", "Document Symbol"], false),
    col(Field::SourceId, &["Recommendation ID", "ID"], false),
    col(Field::Date, &["Date"], false),
];

const IMPLEMENTATION: &[Column] = &[
    col(Field::Recommendation, &["Recommendation", "Recommendation Key", "Key"], true),
    col(Field::Status, &["Status", "Implementation Status"], true),
    col(Field::ReportedOn, &["Reported On", "Date"], true),
    col(Field::ReportSource, &["Source", "Source Kind", "Reported By"], true),
    col(Field::Evidence, &["Evidence", "Comment"], false),
];

/// A cell as read: text (CSV, or a JSON string or number), or a JSON list of texts.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    List(Vec<String>),
}

/// One row as read, by field; cells of columns the layout does not know are left out.
#[derive(Debug, Clone, Default)]
pub struct RawRow {
    pub number: usize,
    pub cells: HashMap<Field, Cell>,
}

/// A problem with one field of one row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The row's number in the file: 1 is the first record after the header.
    pub row: usize,
    /// The column at fault, as the layout names it.
    pub field: String,
    pub message: String,
}

/// Something imported differently from how the file said it, reported with the row.
pub type Warning = FieldError;

fn normalise_header(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{feff}')).flat_map(char::to_lowercase).collect()
}

/// Which field each header names (None for a column the layout does not know).
fn fields_of(layout: Layout, headers: &[String]) -> Vec<Option<Field>> {
    let mut by_name: HashMap<String, Field> = HashMap::new();
    for column in layout.columns() {
        for name in column.names {
            by_name.insert(normalise_header(name), column.field);
        }
    }
    headers.iter().map(|h| by_name.get(&normalise_header(h)).copied()).collect()
}

/// Which field each header names, or the required columns missing.
pub fn map_headers(layout: Layout, headers: &[String]) -> Result<Vec<Option<Field>>, Vec<String>> {
    let mapped = fields_of(layout, headers);
    let missing: Vec<String> = layout
        .columns()
        .iter()
        .filter(|c| c.required && !mapped.contains(&Some(c.field)))
        .map(|c| c.names[0].to_owned())
        .collect();
    if missing.is_empty() {
        Ok(mapped)
    } else {
        Err(missing)
    }
}

/// A CSV record as a raw row, given the mapped headers.
pub fn csv_row(number: usize, mapped: &[Option<Field>], record: &csv::StringRecord) -> RawRow {
    let mut cells = HashMap::new();
    for (field, value) in mapped.iter().zip(record.iter()) {
        if let Some(field) = field {
            cells.insert(*field, Cell::Text(value.to_owned()));
        }
    }
    RawRow { number, cells }
}

/// A JSON object as a raw row. Strings, numbers and booleans are text; arrays are lists; null is an empty cell.
pub fn json_row(layout: Layout, number: usize, object: &serde_json::Map<String, serde_json::Value>) -> RawRow {
    let headers: Vec<String> = object.keys().cloned().collect();
    // A missing key is reported by the row's own checks (each required field is checked there too).
    let mapped = fields_of(layout, &headers);
    let mut cells = HashMap::new();
    for (field, value) in mapped.iter().zip(object.values()) {
        let Some(field) = field else { continue };
        let cell = match value {
            serde_json::Value::Null => Cell::Text(String::new()),
            serde_json::Value::String(s) => Cell::Text(s.clone()),
            serde_json::Value::Array(items) => Cell::List(
                items
                    .iter()
                    .map(|v| match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect(),
            ),
            other => Cell::Text(other.to_string()),
        };
        cells.insert(*field, cell);
    }
    RawRow { number, cells }
}

/// The longest text a recommendation or a piece of evidence may have, as the GraphQL mutations allow.
pub const MAX_TEXT: usize = 10_000;
const MAX_NAME: usize = 300;
const MAX_VALUES: usize = 100;

/// A recommendation as a row gives it, checked but not yet matched to the database's States, terms and mandates.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendationRow {
    pub row: usize,
    /// The source identity: `uhri:<annotation id>`, `upr-info:<id>`, or `<symbol>:<paragraph>`.
    pub key: String,
    pub text: String,
    pub country: String,
    /// UHRI's recommending body; `UPR` for UPR Info.
    pub body: String,
    pub symbol: Option<String>,
    pub paragraph: Option<String>,
    pub themes: Vec<String>,
    pub affected_persons: Vec<String>,
    pub sdg_targets: Vec<String>,
    pub made_on: Option<NaiveDate>,
    pub upr_session: Option<i32>,
    pub upr_cycle: Option<i32>,
    pub recommending_state: Option<String>,
    pub response: Option<Response>,
}

/// An implementation report as a row gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub row: usize,
    pub recommendation: String,
    pub status: ImplementationStatus,
    pub reported_on: NaiveDate,
    pub source_kind: ImplementationSource,
    pub evidence: Option<String>,
}

/// Collects a row's errors and warnings under the layout's column names.
struct Checker {
    layout: Layout,
    row: usize,
    errors: Vec<FieldError>,
    warnings: Vec<Warning>,
}

impl Checker {
    fn column(&self, field: Field) -> String {
        self.layout
            .columns()
            .iter()
            .find(|c| c.field == field)
            .map(|c| c.names[0].to_owned())
            .unwrap_or_else(|| format!("{field:?}"))
    }

    fn error(&mut self, field: Field, message: impl Into<String>) {
        let field = self.column(field);
        self.errors.push(FieldError { row: self.row, field, message: message.into() });
    }

    fn warn(&mut self, field: Field, message: impl Into<String>) {
        let field = self.column(field);
        self.warnings.push(FieldError { row: self.row, field, message: message.into() });
    }
}

/// A single-valued cell, trimmed, without UHRI's leading `- `; None when empty.
fn single(checker: &mut Checker, row: &RawRow, field: Field, max: usize) -> Option<String> {
    let text = match row.cells.get(&field)? {
        Cell::Text(t) => t.clone(),
        Cell::List(items) if items.len() <= 1 => items.first().cloned().unwrap_or_default(),
        Cell::List(_) => {
            checker.error(field, "give one value, not a list");
            return None;
        }
    };
    let text = clean(&text);
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        checker.error(field, "contains control characters");
        return None;
    }
    if text.chars().count() > max {
        checker.error(field, format!("at most {max} characters"));
        return None;
    }
    (!text.is_empty()).then_some(text)
}

fn clean(text: &str) -> String {
    let t = text.trim();
    let t = t.strip_prefix("- ").or_else(|| t.strip_prefix('-').filter(|_| t.len() > 1)).unwrap_or(t);
    t.trim().to_owned()
}

/// A many-valued cell: a JSON list, or text with one value per line (UHRI) or separated by `;`, each without its
/// leading `- `; duplicates dropped, order kept.
fn many(checker: &mut Checker, row: &RawRow, field: Field) -> Vec<String> {
    let pieces: Vec<String> = match row.cells.get(&field) {
        None => return Vec::new(),
        Some(Cell::Text(t)) => t.split(['\n', '\r', ';']).map(clean).collect(),
        Some(Cell::List(items)) => items.iter().map(|i| clean(i)).collect(),
    };
    let mut values: Vec<String> = Vec::new();
    for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
        if piece.chars().count() > MAX_NAME || piece.chars().any(char::is_control) {
            checker.error(field, format!("{:?} is not a name", truncate(&piece)));
            continue;
        }
        if !values.contains(&piece) {
            values.push(piece);
        }
    }
    if values.len() > MAX_VALUES {
        checker.error(field, format!("at most {MAX_VALUES} values"));
        values.truncate(MAX_VALUES);
    }
    values
}

fn truncate(text: &str) -> String {
    let mut t: String = text.chars().take(60).collect();
    if t.len() < text.len() {
        t.push('…');
    }
    t
}

/// A date as exports write them: `2021-03-19`, `19 March 2021`, `19/03/2021` (day first, as UN documents do), or
/// a spreadsheet's day number (days since 1899-12-30).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let text = text.split(['T', ' ']).next().filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-').unwrap_or(text);
    for format in ["%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%d.%m.%Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Some(date);
        }
    }
    let serial: i64 = text.split('.').next()?.parse().ok()?;
    if (20_000..=80_000).contains(&serial) {
        NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
    } else {
        None
    }
}

fn date(checker: &mut Checker, row: &RawRow, field: Field) -> Option<NaiveDate> {
    let text = single(checker, row, field, 40)?;
    let parsed = parse_date(&text);
    match parsed {
        Some(d) if d.year_ce().1 >= 1946 && d <= chrono::Utc::now().date_naive() => Some(d),
        Some(_) => {
            checker.error(field, format!("{text:?} is outside 1946 to today"));
            None
        }
        None => {
            checker.error(field, format!("{text:?} is not a date (give 2021-03-19)"));
            None
        }
    }
}

use chrono::Datelike;

fn number(checker: &mut Checker, row: &RawRow, field: Field, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
    let text = single(checker, row, field, 40)?;
    // "41st session", "Session 41", "41" and "4th cycle" all give their number.
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect();
    match digits.parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        Ok(n) => {
            checker.error(field, format!("{n} is not between {} and {}", range.start(), range.end()));
            None
        }
        Err(_) => {
            checker.error(field, format!("{:?} is not a number", truncate(&text)));
            None
        }
    }
}

/// The UPR cycle that a UPR Working Group session belongs to (14 sessions a cycle; the first cycle had 12).
pub fn cycle_of_session(session: i32) -> Option<i32> {
    match session {
        1..=12 => Some(1),
        13..=26 => Some(2),
        27..=40 => Some(3),
        41..=54 => Some(4),
        _ => None,
    }
}

/// An SDG value: a target (`16.10`, `16.10 Ensure public access…`, `5.a`) is kept; a goal alone (`16 - PEACE,
/// JUSTICE…`) cannot be linked, since recommendations link to targets, and is reported as a warning.
fn sdg_targets(checker: &mut Checker, row: &RawRow) -> Vec<String> {
    let mut targets = Vec::new();
    for value in many(checker, row, Field::Sdgs) {
        let head: String = value.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
        let head = head.strip_prefix("SDG").unwrap_or(&head).to_owned();
        let mut parts = head.splitn(2, '.');
        let goal = parts.next().unwrap_or_default();
        let target = parts.next();
        let goal_ok = goal.parse::<u8>().is_ok_and(|g| (1..=17).contains(&g));
        match target {
            Some(t) if goal_ok && !t.is_empty() && t.len() <= 2 && t.chars().all(|c| c.is_ascii_alphanumeric()) => {
                targets.push(format!("{goal}.{}", t.to_ascii_lowercase()));
            }
            None if goal_ok => checker.warn(
                Field::Sdgs,
                format!(
                    "SDG {goal} is a goal without a target and is not linked (recommendations link to SDG targets)"
                ),
            ),
            _ => checker.error(Field::Sdgs, format!("{:?} is not an SDG target such as 16.10", truncate(&value))),
        }
    }
    targets.dedup();
    targets
}

fn response(checker: &mut Checker, row: &RawRow) -> Option<Response> {
    let text = single(checker, row, Field::Response, 60)?;
    match text.to_ascii_lowercase().as_str() {
        "supported" | "accepted" => Some(Response::Supported),
        "noted" => Some(Response::Noted),
        "pending" => Some(Response::Pending),
        _ => {
            checker.error(Field::Response, format!("{:?} is not Supported, Noted or Pending", truncate(&text)));
            None
        }
    }
}

/// The leading paragraph number of a UPR recommendation's text, such as `140.7` in "140.7 Ratify…".
fn leading_paragraph(text: &str) -> Option<String> {
    let head: String = text.trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let head = head.trim_end_matches('.');
    let parts: Vec<&str> = head.split('.').collect();
    (parts.len() >= 2 && parts.len() <= 3 && parts.iter().all(|p| !p.is_empty() && p.len() <= 4))
        .then(|| head.to_owned())
}

/// Checks a recommendation row of the UHRI or the UPR Info layout.
pub fn recommendation(layout: Layout, row: &RawRow) -> Result<(RecommendationRow, Vec<Warning>), Vec<FieldError>> {
    let mut c = Checker { layout, row: row.number, errors: Vec::new(), warnings: Vec::new() };
    let text = single(&mut c, row, Field::Text, MAX_TEXT);
    if text.is_none() && !c.errors.iter().any(|e| e.field == c.column(Field::Text)) {
        c.error(Field::Text, "give the recommendation's text");
    }
    let country = single(&mut c, row, Field::Country, MAX_NAME);
    if country.is_none() && !c.errors.iter().any(|e| e.field == c.column(Field::Country)) {
        c.error(Field::Country, "give the State the recommendation is addressed to");
    }
    let body = match layout {
        Layout::UprInfo => Some("UPR".to_owned()),
        _ => {
            let body = single(&mut c, row, Field::Body, MAX_NAME);
            if body.is_none() && !c.errors.iter().any(|e| e.field == c.column(Field::Body)) {
                c.error(Field::Body, "give the body that made the recommendation (UPR, a treaty body, a mandate)");
            }
            body
        }
    };
    let symbol = single(&mut c, row, Field::Symbol, 100);
    let paragraph = single(&mut c, row, Field::Paragraph, 50).or_else(|| text.as_deref().and_then(leading_paragraph));
    let themes = many(&mut c, row, Field::Themes);
    let affected_persons = many(&mut c, row, Field::AffectedPersons);
    let sdg_targets = sdg_targets(&mut c, row);
    let made_on = date(&mut c, row, Field::Date);
    let upr_session = number(&mut c, row, Field::UprSession, 1..=200);
    let mut upr_cycle = number(&mut c, row, Field::UprCycle, 1..=4);
    let states = many(&mut c, row, Field::RecommendingStates);
    let response = response(&mut c, row);
    let source_id = single(&mut c, row, Field::SourceId, 100);

    let is_upr = body.as_deref().is_some_and(|b| b.eq_ignore_ascii_case("UPR"));
    if is_upr {
        if upr_cycle.is_none() {
            upr_cycle = upr_session.and_then(cycle_of_session);
        }
        if upr_cycle.is_none() && !c.errors.iter().any(|e| e.field == c.column(Field::UprCycle)) {
            c.error(Field::UprCycle, "a UPR recommendation names its cycle, or its UPR session");
        }
        if states.is_empty() {
            c.error(Field::RecommendingStates, "a UPR recommendation names the recommending State");
        }
    }
    if states.len() > 1 {
        c.warn(
            Field::RecommendingStates,
            format!(
                "{} States made it; the first, {:?}, is recorded as the recommending State",
                states.len(),
                states[0]
            ),
        );
    }
    let prefix = if layout == Layout::Uhri { "uhri" } else { "upr-info" };
    let key = match (&source_id, &symbol, &paragraph) {
        (Some(id), _, _) => Some(format!("{prefix}:{id}")),
        (None, Some(symbol), Some(paragraph)) => Some(format!("{symbol}:{paragraph}")),
        _ => {
            c.error(Field::SourceId, "give the record's identifier, or its document symbol and paragraph");
            None
        }
    };
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let (Some(key), Some(text), Some(country), Some(body)) = (key, text, country, body) else {
        return Err(c.errors);
    };
    Ok((
        RecommendationRow {
            row: row.number,
            key,
            text,
            country,
            body,
            symbol,
            paragraph,
            themes,
            affected_persons,
            sdg_targets,
            made_on,
            upr_session,
            upr_cycle,
            recommending_state: states.into_iter().next(),
            response,
        },
        c.warnings,
    ))
}

fn loose(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).flat_map(|c| c.to_lowercase()).collect()
}

/// Checks an implementation-report row.
pub fn report(row: &RawRow) -> Result<ReportRow, Vec<FieldError>> {
    let mut c = Checker { layout: Layout::Implementation, row: row.number, errors: Vec::new(), warnings: Vec::new() };
    let recommendation = single(&mut c, row, Field::Recommendation, 200);
    if recommendation.is_none() && c.errors.is_empty() {
        c.error(Field::Recommendation, "give the recommendation's key");
    }
    let status = match single(&mut c, row, Field::Status, 60) {
        Some(text) => {
            let found = ImplementationStatus::ALL.iter().copied().find(|s| loose(s.as_str()) == loose(&text)).or(
                match loose(&text).as_str() {
                    "notimplemented" => Some(ImplementationStatus::NotStarted),
                    "implemented" => Some(ImplementationStatus::FullyImplemented),
                    _ => None,
                },
            );
            if found.is_none() {
                c.error(
                    Field::Status,
                    format!(
                        "{:?} is not NOT_STARTED, IN_PROGRESS, PARTIALLY_IMPLEMENTED or FULLY_IMPLEMENTED",
                        truncate(&text)
                    ),
                );
            }
            found
        }
        None => {
            c.error(Field::Status, "give the implementation status");
            None
        }
    };
    let reported_on = match date(&mut c, row, Field::ReportedOn) {
        Some(d) if d.year() < 2006 => {
            c.error(Field::ReportedOn, "a report cannot be dated before 2006");
            None
        }
        Some(d) => Some(d),
        None => {
            if !c.errors.iter().any(|e| e.field == c.column(Field::ReportedOn)) {
                c.error(Field::ReportedOn, "give the day it was reported");
            }
            None
        }
    };
    let source_kind = match single(&mut c, row, Field::ReportSource, 60) {
        Some(text) => {
            let found = ImplementationSource::ALL.iter().copied().find(|s| loose(s.as_str()) == loose(&text));
            if found.is_none() {
                c.error(
                    Field::ReportSource,
                    format!(
                        "{:?} is not STATE, NATIONAL_MECHANISM, MID_TERM_REPORT, MANDATE_FOLLOW_UP or OTHER",
                        truncate(&text)
                    ),
                );
            }
            found
        }
        None => {
            c.error(Field::ReportSource, "give who reported it");
            None
        }
    };
    let evidence = single(&mut c, row, Field::Evidence, MAX_TEXT);
    match (recommendation, status, reported_on, source_kind) {
        (Some(recommendation), Some(status), Some(reported_on), Some(source_kind)) if c.errors.is_empty() => {
            Ok(ReportRow { row: row.number, recommendation, status, reported_on, source_kind, evidence })
        }
        _ => Err(c.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(Field, &str)]) -> RawRow {
        RawRow { number: 1, cells: cells.iter().map(|(f, v)| (*f, Cell::Text((*v).to_owned()))).collect() }
    }

    #[test]
    fn a_uhri_row_parses_with_its_quirks() {
        let r = row(&[
            (Field::Text, "140.7 Ratify the Optional Protocol (Fictionland);"),
            (Field::Country, "- Nepal"),
            (Field::Body, "- UPR"),
            (Field::Themes, "- Equality & non-discrimination\n- Right to education"),
            (Field::Sdgs, "- 16.10\n- 4 - QUALITY EDUCATION"),
            (Field::Date, "44300"),
            (Field::SourceId, "1234"),
            (Field::UprSession, "41st session"),
            (Field::RecommendingStates, "- Portugal\n- Spain"),
            (Field::Response, "Supported"),
        ]);
        let (parsed, warnings) = recommendation(Layout::Uhri, &r).expect("valid");
        assert_eq!(parsed.key, "uhri:1234");
        assert_eq!(parsed.country, "Nepal");
        assert_eq!(parsed.paragraph.as_deref(), Some("140.7"));
        assert_eq!(parsed.themes, vec!["Equality & non-discrimination", "Right to education"]);
        assert_eq!(parsed.sdg_targets, vec!["16.10"]);
        assert_eq!(parsed.made_on, NaiveDate::from_ymd_opt(2021, 4, 14));
        assert_eq!(parsed.upr_cycle, Some(4));
        assert_eq!(parsed.recommending_state.as_deref(), Some("Portugal"));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn every_bad_field_of_a_row_is_named() {
        let r = row(&[
            (Field::Text, ""),
            (Field::Country, "Nepal"),
            (Field::Body, "UPR"),
            (Field::Date, "yesterday"),
            (Field::UprCycle, "9"),
            (Field::Response, "maybe"),
            (Field::Sdgs, "99.1"),
        ]);
        let errors = recommendation(Layout::Uhri, &r).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in
            ["Text", "Document Publication Date", "UPR Cycle", "UPR Position", "Sdgs", "UPR Reccomending States"]
        {
            assert!(fields.contains(&field), "{field} missing from {errors:?}");
        }
    }

    #[test]
    fn headers_match_loosely_and_missing_ones_are_named() {
        let headers = vec!["text".to_owned(), "COUNTRIES_CONCERNED".to_owned(), "Other".to_owned()];
        assert_eq!(map_headers(Layout::Uhri, &headers), Err(vec!["Reccomending Body".to_owned()]));
        let headers = vec!["Recommending body".to_owned(), "text".to_owned(), "Countries concerned".to_owned()];
        assert_eq!(
            map_headers(Layout::Uhri, &headers),
            Ok(vec![Some(Field::Body), Some(Field::Text), Some(Field::Country)])
        );
    }

    #[test]
    fn dates_in_the_forms_exports_use() {
        let d = NaiveDate::from_ymd_opt(2021, 3, 19);
        for text in ["2021-03-19", "19 March 2021", "19/03/2021", "2021-03-19T00:00:00", "44274"] {
            assert_eq!(parse_date(text), d, "{text}");
        }
        assert_eq!(parse_date("13/13/2021"), None);
    }

    #[test]
    fn a_report_row_accepts_readable_values() {
        let r = row(&[
            (Field::Recommendation, "uhri:1"),
            (Field::Status, "Partially implemented"),
            (Field::ReportedOn, "2024-01-31"),
            (Field::ReportSource, "national mechanism"),
        ]);
        let parsed = report(&r).expect("valid");
        assert_eq!(parsed.status, ImplementationStatus::PartiallyImplemented);
        assert_eq!(parsed.source_kind, ImplementationSource::NationalMechanism);
    }
}
