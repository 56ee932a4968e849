//! Lookups of the keys that filters and inputs name (countries, regional groups, sessions, mandates), each
//! refusing a key that names nothing with an error that says which field.

use hrc_db::models;

use crate::reference::RegionalGroupCode;
use crate::support::error::ApiError;

pub(crate) fn not_found(field: &str, what: &str, value: &str) -> ApiError {
    ApiError::bad_input(field, format!("there is no {what} {value:?}"))
}

/// The id of the country with this ISO code; the inner error names `field` when the code is malformed or unknown.
pub(crate) fn country_id(
    c: &mut hrc_db::DbConnection,
    field: &str,
    code: &str,
) -> hrc_db::QueryResult<Result<i64, ApiError>> {
    let code = match iso_code(field, code) {
        Ok(code) => code,
        Err(e) => return Ok(Err(e)),
    };
    Ok(models::Country::by_iso3(c, &code)?.map(|c| c.id).ok_or_else(|| not_found(field, "country", &code)))
}

/// The id of a regional group by its code.
pub(crate) fn regional_group_id(
    c: &mut hrc_db::DbConnection,
    code: Option<RegionalGroupCode>,
) -> hrc_db::QueryResult<Option<i64>> {
    let Some(code) = code else { return Ok(None) };
    let code: models::RegionalGroupCode = code.into();
    Ok(models::RegionalGroup::by_code(c, code.as_str())?.map(|g| g.id))
}

/// The id of a Council session by number; the inner error names `field` when the Council held no such session.
pub(crate) fn session_id(
    c: &mut hrc_db::DbConnection,
    field: &str,
    number: Option<i32>,
) -> hrc_db::QueryResult<Result<Option<i64>, ApiError>> {
    let Some(number) = number else { return Ok(Ok(None)) };
    Ok(match models::Session::by_number(c, models::SessionBody::Hrc, number)? {
        Some(s) => Ok(Some(s.id)),
        None => Err(ApiError::bad_input(field, format!("the Council has held no session numbered {number}"))),
    })
}

/// The id of the mandate with this key; the inner error names `field` when there is none.
pub(crate) fn mandate_id(
    c: &mut hrc_db::DbConnection,
    field: &str,
    key: &str,
) -> hrc_db::QueryResult<Result<i64, ApiError>> {
    Ok(models::Mandate::by_key(c, key.trim())?.map(|m| m.id).ok_or_else(|| not_found(field, "mandate", key)))
}

/// Parses an ISO 3166-1 alpha-3 code (any case).
pub fn iso_code(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(ApiError::bad_input(
            field,
            format!("{text:?} is not an ISO 3166-1 alpha-3 code (three letters, such as \"FRA\")"),
        ))
    }
}

/// Checks a document symbol's form.
pub(crate) fn symbol(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.len() > 100 || text.chars().any(char::is_control) {
        Err(ApiError::bad_input(
            field,
            "a document symbol is 1 to 100 printable characters, such as \"A/HRC/RES/45/31\"",
        ))
    } else {
        Ok(text.to_owned())
    }
}
