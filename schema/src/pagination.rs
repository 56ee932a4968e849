//! Relay cursor connections over keyset pages.

use std::sync::Arc;

use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields};
use async_graphql::{Context, Object, OutputType};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hrc_db::models::{Page, PageRequest};
use hrc_db::{DbConnection, QueryResult};

use crate::error::ApiError;

/// Default page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;

/// An opaque cursor over a row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdCursor(pub i64);

impl CursorType for IdCursor {
    type Error = String;

    fn decode_cursor(s: &str) -> Result<Self, String> {
        decode_cursor("after", s).map_err(|e| e.message().to_owned())
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("id:{}", self.0))
    }
}

fn decode_cursor(field: &str, s: &str) -> Result<IdCursor, ApiError> {
    let bad = || ApiError::bad_input(field, format!("{s:?} is not a cursor from this list"));
    let text = URL_SAFE_NO_PAD.decode(s).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(bad)?;
    let id = text.strip_prefix("id:").and_then(|n| n.parse::<i64>().ok()).ok_or_else(bad)?;
    Ok(IdCursor(id))
}

/// The Relay arguments of a connection field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    /// Checks the arguments and turns them into a keyset page request.
    pub fn parse(&self) -> Result<PageRequest, ApiError> {
        let size = |field: &str, n: i32| {
            if (0..=MAX_PAGE_SIZE).contains(&n) {
                Ok(i64::from(n))
            } else {
                Err(ApiError::bad_input(field, format!("{field} must be between 0 and {MAX_PAGE_SIZE}, not {n}")))
            }
        };
        if self.first.is_some() && self.last.is_some() {
            return Err(ApiError::bad_input("last", "give either first or last, not both"));
        }
        let after = self.after.as_deref().map(|s| decode_cursor("after", s)).transpose()?;
        let before = self.before.as_deref().map(|s| decode_cursor("before", s)).transpose()?;
        let (limit, from_end) = match (self.first, self.last) {
            (_, Some(last)) => (size("last", last)?, true),
            (Some(first), None) => (size("first", first)?, false),
            (None, None) => (i64::from(DEFAULT_PAGE_SIZE), false),
        };
        Ok(PageRequest { after: after.map(|c| c.0), before: before.map(|c| c.0), limit, from_end })
    }
}

/// `hasPreviousPage` and `hasNextPage` of a keyset page: the side we fetched from knows exactly; the other side is
/// reported as the presence of the cursor the caller came from (Relay allows this where counting would cost).
pub fn page_flags(request: &PageRequest, has_more: bool) -> (bool, bool) {
    if request.from_end {
        (has_more, request.before.is_some())
    } else {
        (request.after.is_some(), has_more)
    }
}

type CountFn = dyn Fn(&mut DbConnection) -> QueryResult<i64> + Send + Sync;

/// The `totalCount` of a connection, counted in the database only when a client asks for it.
pub struct TotalCount(Arc<CountFn>);

impl TotalCount {
    pub fn new(count: impl Fn(&mut DbConnection) -> QueryResult<i64> + Send + Sync + 'static) -> TotalCount {
        TotalCount(Arc::new(count))
    }
}

#[Object]
impl TotalCount {
    /// How many items match the filters, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64, ApiError> {
        let count = self.0.clone();
        crate::types::query(ctx, move |c| count(c)).await
    }
}

/// The connection type of every list.
pub type ListConnection<N> = Connection<IdCursor, N, TotalCount, EmptyFields>;

/// Builds a connection from a keyset page.
pub fn connection<T, N: OutputType>(
    request: &PageRequest,
    page: Page<T>,
    id: impl Fn(&T) -> i64,
    node: impl Fn(T) -> N,
    count: TotalCount,
) -> ListConnection<N> {
    let (has_previous, has_next) = page_flags(request, page.has_more);
    let mut connection = Connection::with_additional_fields(has_previous, has_next, count);
    connection.edges.extend(page.rows.into_iter().map(|row| Edge::new(IdCursor(id(&row)), node(row))));
    connection
}
