//! Reading the voting records' files into records, and the normalisations the real records need: symbols written
//! without a slash, titles ending in the library's statement of the kind (`: resolution /`), agenda items named by
//! their title (with the spacing slips of the real records) and no number.

use std::io::Read;

use chrono::NaiveDate;

use crate::import::parse::FieldError;
use crate::models::ResolutionKind;

/// One text as a file gives it, before any check.
#[derive(Debug, Clone, Default)]
pub struct TextRecord {
    /// 1 is the first record of the file.
    pub row: usize,
    pub symbol: String,
    pub date: Option<String>,
    pub title: Option<String>,
    /// The agenda item's number where the record gives it (MARC 991 `$b`).
    pub agenda_number: Option<String>,
    pub agenda_title: Option<String>,
    pub subject: Option<String>,
    pub meeting: Option<String>,
    pub main_sponsors: Option<String>,
    /// How it was adopted, in the library's words (MARC 591: `RECORDED`, `ADOPTED WITHOUT VOTE`…).
    pub adoption: Option<String>,
    pub yes: Option<String>,
    pub no: Option<String>,
    pub abstain: Option<String>,
    pub non_voting: Option<String>,
    /// The roll call, when the record holds it (MARCXML 967): ISO alpha-3 and vote code.
    pub roll_call: Vec<(String, String)>,
}

/// One member's vote as the roll-call file gives it.
#[derive(Debug, Clone)]
pub struct VoteRecord {
    pub row: usize,
    pub symbol: String,
    pub iso3: String,
    pub code: String,
}

fn blank_to_none(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn csv_reader(input: Box<dyn Read>) -> csv::Reader<Box<dyn Read>> {
    csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::Headers).from_reader(input)
}

/// Which column of the header names each wanted field; the fields missing are the error.
fn columns<const N: usize>(headers: &csv::StringRecord, wanted: [&str; N]) -> Result<[Option<usize>; N], String> {
    let normal = |h: &str| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase();
    let found = wanted.map(|w| headers.iter().position(|h| normal(h) == w));
    Ok(found)
}

/// The texts of a resolutions CSV (`symbol, date, title, agenda_item, subject, meeting, main_sponsors, yes, no,
/// abstain`, the sample's layout; `non_voting` is read where present).
pub fn texts_csv(input: Box<dyn Read>) -> Result<Vec<Result<TextRecord, FieldError>>, String> {
    let mut reader = csv_reader(input);
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let wanted = [
        "symbol",
        "date",
        "title",
        "agenda_item",
        "subject",
        "meeting",
        "main_sponsors",
        "yes",
        "no",
        "abstain",
        "non_voting",
    ];
    let at = columns(&headers, wanted)?;
    let missing: Vec<&str> = wanted.iter().zip(at).take(2).filter(|(_, i)| i.is_none()).map(|(w, _)| *w).collect();
    if !missing.is_empty() {
        return Err(format!("the resolutions file lacks the column(s) {}", missing.join(", ")));
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.push(Err(FieldError { row, field: "row".into(), message: e.to_string() }));
                continue;
            }
        };
        let get = |k: usize| blank_to_none(at[k].and_then(|c| record.get(c)));
        out.push(Ok(TextRecord {
            row,
            symbol: get(0).unwrap_or_default(),
            date: get(1),
            title: get(2),
            agenda_number: None,
            agenda_title: get(3),
            subject: get(4),
            meeting: get(5),
            main_sponsors: get(6),
            adoption: None,
            yes: get(7),
            no: get(8),
            abstain: get(9),
            non_voting: get(10),
            roll_call: Vec::new(),
        }));
    }
    Ok(out)
}

/// The votes of a roll-call CSV (`symbol, iso3, vote`).
pub fn votes_csv(input: Box<dyn Read>) -> Result<Vec<Result<VoteRecord, FieldError>>, String> {
    let mut reader = csv_reader(input);
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let at = columns(&headers, ["symbol", "iso3", "vote"])?;
    let missing: Vec<&str> =
        ["symbol", "iso3", "vote"].iter().zip(at).filter(|(_, i)| i.is_none()).map(|(w, _)| *w).collect();
    if !missing.is_empty() {
        return Err(format!("the roll-call file lacks the column(s) {}", missing.join(", ")));
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        out.push(match record {
            Ok(r) => {
                let get = |k: usize| at[k].and_then(|c| r.get(c)).unwrap_or_default().trim().to_owned();
                Ok(VoteRecord { row, symbol: get(0), iso3: get(1), code: get(2) })
            }
            Err(e) => Err(FieldError { row, field: "row".into(), message: e.to_string() }),
        });
    }
    Ok(out)
}

/// A symbol as the Council writes it: spaces removed, upper case, and the slash the library sometimes leaves out
/// after `RES` or `DEC` put back (`A/HRC/DEC22/117`). `None` when it is not a Council symbol.
pub fn symbol(raw: &str) -> Option<String> {
    let mut s: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    for kind in ["/RES", "/DEC"] {
        if let Some(at) = s.find(kind) {
            let rest = &s[at + kind.len()..];
            if rest.starts_with(|c: char| c.is_ascii_digit() || c == 'S') {
                s = format!("{}{kind}/{rest}", &s[..at]);
            }
        }
    }
    s.starts_with("A/HRC/").then_some(s)
}

/// The session a symbol names: `(Some(n), None)` for regular session n, `(None, Some(n))` for special session n.
pub fn session_of(symbol: &str) -> (Option<i32>, Option<i32>) {
    let parts: Vec<&str> = symbol.split('/').collect();
    let at = if matches!(parts.get(2), Some(&"RES") | Some(&"DEC")) { 3 } else { 2 };
    let Some(part) = parts.get(at) else { return (None, None) };
    match part.strip_prefix("S-") {
        Some(special) => (None, special.parse().ok().filter(|n| *n > 0)),
        None => (part.parse().ok().filter(|n| *n > 0), None),
    }
}

/// The title without the library's statement of the kind at its end (`Darfur : decision /` is `Darfur`), and the
/// kind it states.
pub fn title(raw: &str) -> (String, Option<&'static str>) {
    let trimmed = raw.trim().trim_end_matches('/').trim_end();
    if let Some((head, tail)) = trimmed.rsplit_once(':') {
        let stated = match tail.trim().to_ascii_lowercase().as_str() {
            "resolution" => Some("resolution"),
            "decision" => Some("decision"),
            "amendment" | "amendments" => Some("amendment"),
            _ => None,
        };
        if stated.is_some() {
            return (head.trim_end().to_owned(), stated);
        }
    }
    (trimmed.to_owned(), None)
}

/// The kind of text: from the symbol, and for a draft from what its title states.
pub fn kind(symbol: &str, stated: Option<&str>) -> ResolutionKind {
    if symbol.contains("/RES/") {
        ResolutionKind::Resolution
    } else if symbol.contains("/DEC/") {
        ResolutionKind::Decision
    } else if stated == Some("amendment") || symbol.contains("/AMEND") {
        ResolutionKind::Amendment
    } else {
        ResolutionKind::Draft
    }
}

/// The draft a revision, addendum or amendment concerns, where its symbol says so (`A/HRC/7/L.11/Rev.1`).
pub fn concerns(symbol: &str) -> Option<&str> {
    let (base, tail) = symbol.rsplit_once('/')?;
    let suffix = ["REV.", "ADD.", "AMEND.", "CORR."].iter().any(|p| tail.starts_with(p));
    (suffix && base.contains("/L.")).then_some(base)
}

/// The number of an agenda item of the Council's agenda (annex to resolution 5/1, in use from 2007), read from its
/// title as the records write it: letters only, so that `Promotion andprotection` and `United Nati ons` match.
/// `None` for titles of the first sessions' agenda, which had other items.
pub fn agenda_number(title: &str) -> Option<i32> {
    let letters: String = title.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect();
    const ITEMS: [(i32, &str); 10] = [
        (1, "organizationalandprocedural"),
        (2, "annualreportoftheunitednationshighcommissioner"),
        (3, "promotionandprotectionofallhumanrights"),
        (4, "humanrightssituationsthatrequire"),
        (5, "humanrightsbodiesandmechanisms"),
        (6, "universalperiodicreview"),
        (7, "humanrightssituationinpalestine"),
        (8, "followup"),
        (9, "racismracialdiscrimination"),
        (10, "technicalassistance"),
    ];
    let number = ITEMS.iter().find(|(_, start)| letters.starts_with(start)).map(|(n, _)| *n)?;
    // Item 8 is the follow-up to the Vienna Declaration, not any follow-up.
    (number != 8 || letters.contains("viennadeclaration")).then_some(number)
}

/// A day written `2006-12-08` (the CSV) or `20061208` (MARC 269).
pub fn date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(raw, "%Y%m%d")).ok()
}

/// The sponsors a "main sponsors" cell names, without what they spoke for: `Egypt (on behalf of the Group of African
/// States), Pakistan` gives `Egypt` and `Pakistan`; commas inside parentheses (`Venezuela (Bolivarian Republic of)`)
/// do not split.
pub fn sponsor_names(cell: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut current) = (0usize, String::new());
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' | ';' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|part| {
            let mut name = part.trim().to_owned();
            let lower = name.to_ascii_lowercase();
            if let Some(at) = lower.find("(on behalf").or_else(|| lower.find(" on behalf")) {
                name.truncate(at);
            }
            name.trim().to_owned()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_get_back_their_missing_slash() {
        assert_eq!(symbol("A/HRC/DEC22/117").as_deref(), Some("A/HRC/DEC/22/117"));
        assert_eq!(symbol(" A/HRC/RES/S-1/1 ").as_deref(), Some("A/HRC/RES/S-1/1"));
        assert_eq!(symbol("A/HRC/24/L.44").as_deref(), Some("A/HRC/24/L.44"));
        assert_eq!(symbol("A/RES/60/251"), None);
    }

    #[test]
    fn sessions_come_from_the_symbol() {
        assert_eq!(session_of("A/HRC/RES/7/4"), (Some(7), None));
        assert_eq!(session_of("A/HRC/RES/S-28/1"), (None, Some(28)));
        assert_eq!(session_of("A/HRC/24/L.44"), (Some(24), None));
        assert_eq!(session_of("A/HRC/DEC/22/117"), (Some(22), None));
    }

    #[test]
    fn titles_lose_the_statement_of_their_kind() {
        assert_eq!(title("Darfur : decision /"), ("Darfur".into(), Some("decision")));
        assert_eq!(
            title("Human rights situation in the OPT : follow-up to resolution S-1/1 : resolution /"),
            ("Human rights situation in the OPT : follow-up to resolution S-1/1".into(), Some("resolution"))
        );
        assert_eq!(title("Civil society space"), ("Civil society space".into(), None));
    }

    #[test]
    fn agenda_items_are_known_by_their_title_despite_spacing_slips() {
        let slips = "Promotion andprotection of all human rights, civil,political, economic,social and cultural rights";
        assert_eq!(agenda_number(slips), Some(3));
        assert_eq!(agenda_number("Annual report of the United Nati ons High Commissioner for Human Rights"), Some(2));
        assert_eq!(agenda_number("Follow-up and implementation of the Vienna Declaration and Programme"), Some(8));
        assert_eq!(agenda_number("Implementation of General Assembly resolution 60/251"), None);
    }

    #[test]
    fn sponsors_are_split_outside_parentheses_and_lose_whom_they_spoke_for() {
        assert_eq!(
            sponsor_names("Egypt (on behalf of the Group of African States), Venezuela (Bolivarian Republic of)"),
            ["Egypt", "Venezuela (Bolivarian Republic of)"]
        );
        assert_eq!(sponsor_names("Russian Federation on behalf of a group of States"), ["Russian Federation"]);
    }
}
