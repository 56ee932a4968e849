//! Keyset pagination over a table's `id`: no OFFSET, so a page costs the same however deep it is.

/// Which slice of an id-ordered list to fetch.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRequest {
    /// Only rows with an id greater than this.
    pub after: Option<i64>,
    /// Only rows with an id less than this.
    pub before: Option<i64>,
    /// How many rows at most.
    pub limit: i64,
    /// Take the last `limit` rows of the window instead of the first.
    pub from_end: bool,
}

/// One page of rows, in ascending id order.
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

/// Fetches one keyset page of a boxed, filtered select over a table's `id` column: the window given by the cursors,
/// in the direction of travel, one row more than asked for to tell whether more remain.
macro_rules! keyset_page {
    ($conn:expr, $query:expr, $id:path, $page:expr) => {{
        let page: &$crate::models::PageRequest = $page;
        let mut query = $query;
        if let Some(after) = page.after {
            query = query.filter($id.gt(after));
        }
        if let Some(before) = page.before {
            query = query.filter($id.lt(before));
        }
        query = if page.from_end { query.order($id.desc()) } else { query.order($id.asc()) };
        Ok($crate::models::Page::from_probe(query.limit(page.limit + 1).load($conn)?, page))
    }};
}
pub(crate) use keyset_page;
