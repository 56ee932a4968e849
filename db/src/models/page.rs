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
