//! Keyset pagination over a table's `id`, or over `(updated_at, id)`: no OFFSET, so a page costs the same however
//! deep it is.

use chrono::NaiveDateTime;

/// What a list is sorted by; `id` breaks ties, so every order is total and stable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrderField {
    /// Creation order (document order for seeded data).
    #[default]
    Id,
    /// Last change: what partner systems syncing incrementally want.
    UpdatedAt,
}

/// A sort order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Order {
    pub field: OrderField,
    pub descending: bool,
}

/// A row's position in a list: its id, and its `updated_at` when the list is sorted by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub id: i64,
    pub updated_at: Option<NaiveDateTime>,
}

/// Which slice of an ordered list to fetch.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRequest {
    /// Only rows after this position, in the list's order.
    pub after: Option<Position>,
    /// Only rows before this position.
    pub before: Option<Position>,
    /// How many rows at most.
    pub limit: i64,
    /// Take the last `limit` rows of the window instead of the first.
    pub from_end: bool,
    pub order: Order,
}

/// One page of rows, in the list's order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Whether rows exist beyond the page in the direction of travel.
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows (ordered in the direction of travel).
    pub fn from_probe(mut rows: Vec<T>, request: &PageRequest) -> Page<T> {
        let has_more = rows.len() as i64 > request.limit;
        rows.truncate(request.limit.max(0) as usize);
        if request.from_end {
            rows.reverse();
        }
        Page { rows, has_more }
    }
}

/// The page [`keyset_page!`] reads, taken instead from rows in memory (those that pass the list's filter): the same
/// window, order and probe row, so that the two answer alike. `position` gives a row's `(updated_at, id)`.
pub fn keyset_page_in_memory<'a, T: Clone + 'a>(
    rows: impl IntoIterator<Item = &'a T>,
    position: impl Fn(&T) -> (NaiveDateTime, i64),
    page: &PageRequest,
) -> Page<T> {
    use std::cmp::Ordering;
    let by_field = |a: (NaiveDateTime, i64), b: (NaiveDateTime, i64)| match page.order.field {
        OrderField::Id => a.1.cmp(&b.1),
        OrderField::UpdatedAt => a.cmp(&b),
    };
    // As the SQL: beyond (or short of) a cursor by `(updated_at, id)` when the list is sorted by `updated_at` and the
    // cursor carries it, else by id alone.
    let inside = |row: (NaiveDateTime, i64), cursor: Position, beyond: bool| {
        let ordering = match (page.order.field, cursor.updated_at) {
            (OrderField::UpdatedAt, Some(at)) => row.cmp(&(at, cursor.id)),
            _ => row.1.cmp(&cursor.id),
        };
        ordering == if beyond != page.order.descending { Ordering::Greater } else { Ordering::Less }
    };
    let mut window: Vec<(&T, (NaiveDateTime, i64))> = rows
        .into_iter()
        .map(|row| (row, position(row)))
        .filter(|(_, at)| {
            page.after.is_none_or(|cursor| inside(*at, cursor, true))
                && page.before.is_none_or(|cursor| inside(*at, cursor, false))
        })
        .collect();
    let ascending = page.order.descending == page.from_end;
    window.sort_unstable_by(|a, b| if ascending { by_field(a.1, b.1) } else { by_field(b.1, a.1) });
    let probe = usize::try_from(page.limit.max(0)).unwrap_or(usize::MAX).saturating_add(1);
    Page::from_probe(window.into_iter().take(probe).map(|(row, _)| row.clone()).collect(), page)
}

/// Fetches one keyset page of a boxed, filtered select over a table with `id` and `updated_at` columns: the window
/// the cursors give, in the direction of travel, one row more than asked for to tell whether more remain.
macro_rules! keyset_page {
    ($conn:expr, $query:expr, $id:path, $updated:path, $page:expr) => {{
        use $crate::models::page::OrderField;
        let page: &$crate::models::PageRequest = $page;
        let mut query = $query;
        let descending = page.order.descending;
        // `after` a position means beyond it in the list's order; `before` means short of it.
        for (position, beyond) in [(page.after, true), (page.before, false)] {
            let Some(position) = position else { continue };
            let greater = beyond != descending;
            match (page.order.field, position.updated_at) {
                (OrderField::UpdatedAt, Some(at)) => {
                    query = if greater {
                        query.filter($updated.gt(at).or($updated.eq(at).and($id.gt(position.id))))
                    } else {
                        query.filter($updated.lt(at).or($updated.eq(at).and($id.lt(position.id))))
                    };
                }
                _ => {
                    query = if greater { query.filter($id.gt(position.id)) } else { query.filter($id.lt(position.id)) };
                }
            }
        }
        // Fetching from the end walks the list backwards; the page is turned round afterwards.
        let ascending = descending == page.from_end;
        query = match (page.order.field, ascending) {
            (OrderField::Id, true) => query.order($id.asc()),
            (OrderField::Id, false) => query.order($id.desc()),
            (OrderField::UpdatedAt, true) => query.order(($updated.asc(), $id.asc())),
            (OrderField::UpdatedAt, false) => query.order(($updated.desc(), $id.desc())),
        };
        Ok($crate::models::Page::from_probe(query.limit(page.limit + 1).load($conn)?, page))
    }};
}
pub(crate) use keyset_page;

/// The list queries of a model with a `key`, `id` and `updated_at`, over a function giving its filtered query:
/// `page` (keyset), `count`, `by_key` and `by_id`. Expanded inside the model's `impl`.
macro_rules! keyed_list {
    ($row:ty, $table:ident, $filter:ty, $filtered:path) => {
        pub fn page(
            conn: &mut $crate::DbConnection,
            filter: &$filter,
            page: &$crate::models::PageRequest,
        ) -> diesel::QueryResult<$crate::models::Page<$row>> {
            $crate::models::page::keyset_page!(
                conn,
                $filtered(filter).select(<$row>::as_select()),
                $table::id,
                $table::updated_at,
                page
            )
        }

        pub fn count(conn: &mut $crate::DbConnection, filter: &$filter) -> diesel::QueryResult<i64> {
            $filtered(filter).count().get_result(conn)
        }

        pub fn by_key(conn: &mut $crate::DbConnection, key: &str) -> diesel::QueryResult<Option<$row>> {
            $table::table.filter($table::key.eq(key)).select(<$row>::as_select()).first(conn).optional()
        }

        pub fn by_id(conn: &mut $crate::DbConnection, id: i64) -> diesel::QueryResult<Option<$row>> {
            $table::table.find(id).select(<$row>::as_select()).first(conn).optional()
        }
    };
}
pub(crate) use keyed_list;
