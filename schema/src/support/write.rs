//! What every write shares: checks of its input field by field (each error naming the field), the error a failed
//! write gives the caller, and its audit record.

use async_graphql::MaybeUndefined;
use hrc_db::models::WriteError;

use crate::support::error::ApiError;
use crate::support::scalars::Date;

/// Turns a failed write into the error the caller sees. `what` names the record; `check` is the field (and message)
/// to blame when the database refuses the combination of values.
pub(crate) fn write_error(what: &str, expected_version: Option<i32>, check: (&str, &str), e: WriteError) -> ApiError {
    match e {
        WriteError::NotFound => ApiError::NotFound(format!("there is no {what} with that key")),
        WriteError::Duplicate => ApiError::Conflict(format!("a {what} with that key already exists")),
        WriteError::Stale { current } => ApiError::Conflict(format!(
            "the {what} changed since version {}: it is now at version {current}; read it again and reapply your change",
            expected_version.unwrap_or_default()
        )),
        WriteError::Database(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::CheckViolation,
            _,
        )) => ApiError::InvalidFields(vec![(check.0.to_owned(), check.1.to_owned())]),
        WriteError::Database(e) => hrc_db::DbError::from(e).into(),
    }
}

/// The audit record of a write by the caller.
pub(crate) fn audit(
    actor: &str,
    action: &'static str,
    entity: &'static str,
    key: &str,
    detail: serde_json::Value,
) -> hrc_db::audit::Entry {
    hrc_db::audit::Entry {
        actor: actor.to_owned(),
        action,
        entity,
        entity_key: key.to_owned(),
        detail: detail.to_string(),
    }
}

/// Checks a required text, recording what is wrong with it; returns it trimmed.
pub(crate) fn required_text(errors: &mut Vec<(String, String)>, field: &str, value: &str, max: usize) -> String {
    let trimmed = value.trim();
    let length = trimmed.chars().count();
    if length == 0 || length > max {
        errors.push((field.to_owned(), format!("give 1 to {max} characters")));
    }
    trimmed.to_owned()
}

/// Checks a stable key: 2 to 80 lower-case letters, digits and hyphens.
pub(crate) fn check_key(errors: &mut Vec<(String, String)>, field: &str, key: &str) {
    let ok =
        (2..=80).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        errors.push((
            field.to_owned(),
            "give 2 to 80 lower-case letters, digits and hyphens, such as \"sr-torture\"".to_owned(),
        ));
    }
}

pub(crate) fn check_version(errors: &mut Vec<(String, String)>, version: i32) {
    if version < 1 {
        errors.push(("expectedVersion".into(), "versions start at 1".into()));
    }
}

/// A day's date must be plausible for the Council's work: not before 1946, not more than ten years ahead.
pub(crate) fn check_date(errors: &mut Vec<(String, String)>, field: &str, date: Option<Date>) {
    if let Some(Date(d)) = date {
        let first = chrono::NaiveDate::from_ymd_opt(1946, 1, 1).unwrap_or_default();
        let last = chrono::Utc::now().date_naive() + chrono::Days::new(3_660);
        if d < first || d > last {
            errors.push((field.to_owned(), format!("{d} is outside 1946 to ten years from now")));
        }
    }
}

pub(crate) fn finish(errors: Vec<(String, String)>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

/// Checks an optional text field, recording what is wrong with it.
pub(crate) fn check_text(
    errors: &mut Vec<(String, String)>,
    field: &str,
    value: &MaybeUndefined<String>,
    max: usize,
) -> MaybeUndefined<String> {
    match value {
        MaybeUndefined::Value(text) => {
            let trimmed = text.trim();
            let length = trimmed.chars().count();
            if length == 0 || length > max {
                errors.push((field.to_owned(), format!("give 1 to {max} characters, or null to clear it")));
            }
            MaybeUndefined::Value(trimmed.to_owned())
        }
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
    }
}

pub(crate) fn changed<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

/// Runs lookups of named records and a write in one blocking call: the lookups' errors name the input field.
macro_rules! lookup_ids {
    ($c:expr, $f:expr) => {
        match $f($c)? {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        }
    };
}
pub(crate) use lookup_ids as lookup;
