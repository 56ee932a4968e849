//! The one error type of the schema, and the codes that every GraphQL error carries as `extensions.code`.

use std::sync::Arc;

use async_graphql::{ErrorExtensions, ServerError};
use hrc_db::DbError;

/// Stable, machine-readable error codes, set as `extensions.code`.
pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    pub const CONFLICT: &str = "CONFLICT";
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    pub const DATABASE_UNAVAILABLE: &str = "DATABASE_UNAVAILABLE";
    pub const TIMEOUT: &str = "TIMEOUT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const INTERNAL: &str = "INTERNAL";
}

/// An error a resolver returns. Cheap to clone (loaders share it between the fields that waited on one batch).
///
/// It deliberately has no `Display`: async-graphql turns any `Display` error into a GraphQL error without
/// extensions, and this type must only ever become one with its `extensions.code`.
#[derive(Debug, Clone)]
pub enum ApiError {
    Unauthenticated(String),
    Forbidden,
    NotFound(String),
    /// Input that cannot be accepted, naming the argument or field at fault.
    BadUserInput {
        field: String,
        message: String,
    },
    /// Several input fields that cannot be accepted, each with what is wrong with it.
    InvalidFields(Vec<(String, String)>),
    Conflict(String),
    /// The database could not be reached; the cause is in the log.
    DatabaseUnavailable,
    /// Anything else; the cause is in the log under the request id, never in the response.
    Internal,
}

impl ApiError {
    /// Input error on one argument or field.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::BadUserInput { field: field.into(), message: message.into() }
    }

    /// The message shown to the caller.
    pub fn message(&self) -> &str {
        match self {
            ApiError::Unauthenticated(m) | ApiError::NotFound(m) | ApiError::Conflict(m) => m,
            ApiError::BadUserInput { message, .. } => message,
            ApiError::InvalidFields(_) => "some input fields are invalid: see extensions.fields",
            ApiError::Forbidden => "not allowed",
            ApiError::DatabaseUnavailable => "the database is unavailable; try again shortly",
            ApiError::Internal => "internal error",
        }
    }

    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => code::UNAUTHENTICATED,
            ApiError::Forbidden => code::FORBIDDEN,
            ApiError::NotFound(_) => code::NOT_FOUND,
            ApiError::BadUserInput { .. } | ApiError::InvalidFields(_) => code::BAD_USER_INPUT,
            ApiError::Conflict(_) => code::CONFLICT,
            ApiError::DatabaseUnavailable => code::DATABASE_UNAVAILABLE,
            ApiError::Internal => code::INTERNAL,
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> ApiError {
        if error.is_unavailable() {
            tracing::warn!(error = %error, "database unavailable");
            ApiError::DatabaseUnavailable
        } else {
            tracing::error!(error = %error, "database error");
            ApiError::Internal
        }
    }
}

impl From<Arc<ApiError>> for ApiError {
    fn from(error: Arc<ApiError>) -> ApiError {
        (*error).clone()
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.message()).extend_with(|_, e| {
            e.set("code", self.code());
            if let ApiError::BadUserInput { field, .. } = self {
                e.set("field", field.as_str());
            }
            if let ApiError::InvalidFields(fields) = self {
                if let Some((first, _)) = fields.first() {
                    e.set("field", first.as_str());
                }
                let list: Vec<async_graphql::Value> = fields
                    .iter()
                    .map(|(field, message)| {
                        let mut entry = async_graphql::indexmap::IndexMap::new();
                        entry.insert(async_graphql::Name::new("field"), async_graphql::Value::from(field.as_str()));
                        entry.insert(async_graphql::Name::new("message"), async_graphql::Value::from(message.as_str()));
                        async_graphql::Value::Object(entry)
                    })
                    .collect();
                e.set("fields", async_graphql::Value::List(list));
            }
        })
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> async_graphql::Error {
        error.extend()
    }
}

pub(crate) fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

/// The code of an error async-graphql raises while parsing a document (before any resolver runs).
pub(crate) fn parse_error(e: ServerError) -> ServerError {
    let code = if e.message.contains("recursion") || e.message.contains("nested") {
        code::QUERY_TOO_COMPLEX
    } else {
        code::GRAPHQL_PARSE_FAILED
    };
    with_code(e, code)
}

/// The codes of errors async-graphql raises while validating a document.
pub(crate) fn validation_errors(errors: Vec<ServerError>) -> Vec<ServerError> {
    errors
        .into_iter()
        .map(|e| {
            let code = if e.message == "Query is too complex." || e.message == "Query is nested too deep." {
                code::QUERY_TOO_COMPLEX
            } else {
                code::GRAPHQL_VALIDATION_FAILED
            };
            with_code(e, code)
        })
        .collect()
}

/// Gives a code to any error still without one once the response is complete: errors outside any field are about
/// the request (an unknown operation name, say); errors inside a field without a code come from async-graphql's
/// coercion of arguments, since every resolver error carries its own code.
pub fn ensure_codes(response: &mut async_graphql::Response) {
    for error in response.errors.iter_mut() {
        let code = if error.path.is_empty() { code::BAD_REQUEST } else { code::BAD_USER_INPUT };
        *error = with_code(std::mem::replace(error, ServerError::new("", None)), code);
    }
}

/// The caller's error for a workflow write that did not happen; `what` names the record (such as "fund request").
/// A record the caller may not act on answers as one that does not exist.
pub(crate) fn workflow_error(what: &str, e: hrc_db::models::WorkflowError) -> ApiError {
    use hrc_db::models::WorkflowError;
    match e {
        WorkflowError::NotFound => ApiError::NotFound(format!("there is no {what} with that ID that you may see")),
        WorkflowError::Stale { current } => ApiError::Conflict(format!(
            "it changed since you read it: it is now at version {current}; read it again and reapply your change"
        )),
        WorkflowError::Transition { from, to, allowed } => ApiError::bad_input(
            "status",
            if allowed.is_empty() {
                format!("a {what} in status {from} cannot move to {to}")
            } else {
                format!(
                    "a {what} in status {from} cannot move to {to}; from {from} it may move to {}",
                    allowed.join(", ")
                )
            },
        ),
        WorkflowError::Invalid { field, message } => ApiError::bad_input(field, message),
        WorkflowError::Conflict(message) => ApiError::Conflict(message),
        WorkflowError::Database(e) => hrc_db::DbError::from(e).into(),
    }
}
