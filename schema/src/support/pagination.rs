//! Relay cursor connections over keyset pages.

use std::sync::Arc;

use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields};
use async_graphql::{Context, Enum, InputObject, Object, ObjectType, OutputType, SimpleObject};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDateTime;
use hrc_db::models::{Order, OrderField, Page, PageRequest, Position};
use hrc_db::{DbConnection, QueryResult};

use crate::support::error::ApiError;

/// Default page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;

/// What a list can be sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Enum)]
pub enum ListOrderField {
    /// Creation order (document order for seeded data): the default.
    #[default]
    Id,
    /// Last change, for incremental sync (ties broken by creation order).
    UpdatedAt,
}

/// A sort direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Enum)]
pub enum SortDirection {
    /// Smallest (earliest) first.
    #[default]
    Asc,
    /// Largest (latest) first.
    Desc,
}

/// How to sort a list. A cursor belongs to the order it was issued in; using it with another is an error.
#[derive(Debug, Clone, Copy, Default, InputObject)]
pub struct ListOrder {
    /// What to sort by (default `ID`).
    #[graphql(default)]
    pub field: ListOrderField,
    /// Which way (default `ASC`).
    #[graphql(default)]
    pub direction: SortDirection,
}

impl From<ListOrder> for Order {
    fn from(o: ListOrder) -> Order {
        Order {
            field: match o.field {
                ListOrderField::Id => OrderField::Id,
                ListOrderField::UpdatedAt => OrderField::UpdatedAt,
            },
            descending: o.direction == SortDirection::Desc,
        }
    }
}

/// An opaque cursor: a row's position in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(pub Position);

impl CursorType for Cursor {
    type Error = String;

    fn decode_cursor(s: &str) -> Result<Self, String> {
        decode_cursor("after", s).map_err(|e| e.message().to_owned())
    }

    fn encode_cursor(&self) -> String {
        let text = match self.0.updated_at {
            None => format!("id:{}", self.0.id),
            Some(at) => format!("u:{}:{}", at.and_utc().timestamp_micros(), self.0.id),
        };
        URL_SAFE_NO_PAD.encode(text)
    }
}

fn decode_cursor(field: &str, s: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::bad_input(field, format!("{s:?} is not a cursor from this list"));
    let text = URL_SAFE_NO_PAD.decode(s).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(bad)?;
    if let Some(id) = text.strip_prefix("id:") {
        let id = id.parse::<i64>().map_err(|_| bad())?;
        return Ok(Cursor(Position { id, updated_at: None }));
    }
    let (micros, id) = text.strip_prefix("u:").and_then(|rest| rest.split_once(':')).ok_or_else(bad)?;
    let micros = micros.parse::<i64>().map_err(|_| bad())?;
    let updated_at = chrono::DateTime::from_timestamp_micros(micros).map(|t| t.naive_utc()).ok_or_else(bad)?;
    Ok(Cursor(Position { id: id.parse().map_err(|_| bad())?, updated_at: Some(updated_at) }))
}

/// The complexity of a list field, GitHub-style: what one item's selection costs, times the page size asked for
/// (the default page when none is), plus the field itself. `first`/`last` are `Copy` arguments, so they are read as
/// given; a value out of range is refused later anyway, and counts as the largest page here.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first.or(last).unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE) as usize;
    1 + size * child_complexity
}

/// The complexity of a plain (unpaged) list field: what one item's selection costs, times the most items it can
/// hold (a reference list's size: 193 member and 2 observer States, 47 votes, a regional group's States), plus the
/// field itself. Without it a list costs as one item, and a cycle through the graph (a country's group's countries'
/// group's countries…) asks for exponentially many objects at a small cost; with it such a cycle is refused.
pub fn list_cost(items: usize, child_complexity: usize) -> usize {
    1 + items.saturating_mul(child_complexity)
}

/// The Relay arguments of a connection field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    pub order_by: Option<ListOrder>,
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
        let order: Order = self.order_by.unwrap_or_default().into();
        let cursor = |field: &str, s: &str| {
            let cursor = decode_cursor(field, s)?;
            if cursor.0.updated_at.is_some() != (order.field == OrderField::UpdatedAt) {
                return Err(ApiError::bad_input(field, "this cursor comes from the list in another order (orderBy)"));
            }
            Ok(cursor)
        };
        let after = self.after.as_deref().map(|s| cursor("after", s)).transpose()?;
        let before = self.before.as_deref().map(|s| cursor("before", s)).transpose()?;
        let (limit, from_end) = match (self.first, self.last) {
            (_, Some(last)) => (size("last", last)?, true),
            (Some(first), None) => (size("first", first)?, false),
            (None, None) => (i64::from(DEFAULT_PAGE_SIZE), false),
        };
        Ok(PageRequest { after: after.map(|c| c.0), before: before.map(|c| c.0), limit, from_end, order })
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

/// The `totalCount` of a connection, counted only when a client asks for it.
pub struct TotalCount(Counting);

enum Counting {
    /// In the database.
    Database(Arc<CountFn>),
    /// Over rows in memory (a list paged from the copy of the reference tables).
    Memory(Arc<dyn Fn() -> i64 + Send + Sync>),
}

impl TotalCount {
    pub fn new(count: impl Fn(&mut DbConnection) -> QueryResult<i64> + Send + Sync + 'static) -> TotalCount {
        TotalCount(Counting::Database(Arc::new(count)))
    }

    /// A count over rows in memory, with no trip to the database.
    pub fn in_memory(count: impl Fn() -> i64 + Send + Sync + 'static) -> TotalCount {
        TotalCount(Counting::Memory(Arc::new(count)))
    }
}

/// The `totalCount` of a connection, counted only when a client asks for it.
#[Object]
impl TotalCount {
    /// How many items match the filters, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64, ApiError> {
        match &self.0 {
            Counting::Database(count) => {
                let count = count.clone();
                crate::support::database::query(ctx, move |c| count(c)).await
            }
            Counting::Memory(count) => Ok(count()),
        }
    }
}

/// The connection type of every list.
pub type ListConnection<N> = Connection<Cursor, N, TotalCount, EmptyFields>;

/// The connection type of a list that grows to millions of items, with `countUpTo` beside `totalCount`.
pub type CountedConnection<N> = Connection<Cursor, N, Counts, EmptyFields>;

/// The largest `limit` of `countUpTo`.
pub const MAX_COUNT_LIMIT: i32 = 100_000;

type CountUpToFn = dyn Fn(&mut DbConnection, i64) -> QueryResult<i64> + Send + Sync;

/// The counts of a list that grows to millions of items: the exact `totalCount`, and `countUpTo`, which stops at a
/// limit so that a search matching most of a million rows still answers at once.
pub struct Counts {
    exact: Arc<CountFn>,
    up_to: Arc<CountUpToFn>,
    /// What decides the counts, written out in full, when they may be kept in memory ([`crate::cache::counts`]).
    key: Option<Arc<KeyFn>>,
}

type KeyFn = dyn Fn() -> String + Send + Sync;

impl Counts {
    /// `up_to(conn, n)` returns how many items match, but at most `n` (it may stop reading there).
    pub fn new(
        exact: impl Fn(&mut DbConnection) -> QueryResult<i64> + Send + Sync + 'static,
        up_to: impl Fn(&mut DbConnection, i64) -> QueryResult<i64> + Send + Sync + 'static,
    ) -> Counts {
        Counts { exact: Arc::new(exact), up_to: Arc::new(up_to), key: None }
    }

    /// Counts that are the same for every caller until data changes, and so may be kept in memory: `key` writes out
    /// all that decides them (the resolved filter), and is called only when a count is asked for.
    pub fn cached(mut self, key: impl Fn() -> String + Send + Sync + 'static) -> Counts {
        self.key = Some(Arc::new(key));
        self
    }

    /// A count: kept in memory under `key` when these counts may be, else computed.
    async fn count(
        &self,
        ctx: &Context<'_>,
        key: impl FnOnce(String) -> crate::cache::counts::CountKey,
        compute: impl FnOnce(&mut DbConnection) -> QueryResult<i64> + Send + 'static,
    ) -> Result<i64, ApiError> {
        let work = crate::support::database::query(ctx, compute);
        match &self.key {
            None => work.await,
            Some(describe) => {
                let one = |found| match found {
                    crate::cache::counts::Counted::One(n) => Some(n),
                    crate::cache::counts::Counted::Buckets(_) => None,
                };
                crate::cache::counts::cached(ctx, key(describe()), one, crate::cache::counts::Counted::One, work).await
            }
        }
    }
}

/// A count that stops at a limit, as search engines report their totals: `exact` tells whether `count` is the
/// number of matches, or the limit, with more matches beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, SimpleObject)]
pub struct BoundedCount {
    /// The number of matches when `exact`; otherwise the limit, which the matches exceed.
    pub count: i64,
    /// True when `count` is every match; false when there are more than `count`.
    pub exact: bool,
}

/// The counts of a list that grows to millions of items.
#[Object]
impl Counts {
    /// How many items match the filters, across all pages, counted exactly: on a broad search over millions of
    /// items this reads every match (`countUpTo` does not).
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64, ApiError> {
        let count = self.exact.clone();
        self.count(ctx, crate::cache::counts::CountKey::Total, move |c| count(c)).await
    }

    /// How many items match the filters, counted up to `limit` and no further: exact up to the limit, and
    /// "more than `limit`" beyond it. Its cost grows with the limit, not with the number of matches.
    async fn count_up_to(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Stop counting here (default 1,000; from 1 to 100,000).", default = 1000)] limit: i32,
    ) -> Result<BoundedCount, ApiError> {
        if !(1..=MAX_COUNT_LIMIT).contains(&limit) {
            return Err(ApiError::bad_input("limit", format!("must be from 1 to {MAX_COUNT_LIMIT}")));
        }
        let limit = i64::from(limit);
        let count = self.up_to.clone();
        let found = self
            .count(ctx, |key| crate::cache::counts::CountKey::UpTo(key, limit), move |c| count(c, limit + 1))
            .await?;
        Ok(BoundedCount { count: found.min(limit), exact: found <= limit })
    }
}

/// Builds a connection from a keyset page.
pub fn connection<T, N: OutputType, C: ObjectType>(
    request: &PageRequest,
    page: Page<T>,
    position: impl Fn(&T) -> (i64, NaiveDateTime),
    node: impl Fn(T) -> N,
    count: C,
) -> Connection<Cursor, N, C, EmptyFields> {
    let (has_previous, has_next) = page_flags(request, page.has_more);
    let mut connection = Connection::with_additional_fields(has_previous, has_next, count);
    let by_update = request.order.field == OrderField::UpdatedAt;
    connection.edges.extend(page.rows.into_iter().map(|row| {
        let (id, updated_at) = position(&row);
        Edge::new(Cursor(Position { id, updated_at: by_update.then_some(updated_at) }), node(row))
    }));
    connection
}

/// The selections of a connection field's items: `nodes` and `edges.node`.
pub(crate) fn page_nodes<'c>(ctx: &'c Context<'_>) -> [async_graphql::Lookahead<'c>; 2] {
    let look = ctx.look_ahead();
    [look.field("nodes"), look.field("edges").field("node")]
}
