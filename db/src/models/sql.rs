//! Hand-written SQL for what diesel's DSL cannot build over a dynamic filter (grouping by computed values): a WHERE
//! clause with bound parameters, the statement that writes the backend's placeholders and may be kept prepared, and
//! the row of a count.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Date, Integer, Nullable, Text, Timestamp};
use diesel::{QueryResult, QueryableByName, RunQueryDsl};

use crate::connection::MultiBackend;

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub enum BindValue {
    Text(String),
    BigInt(i64),
    Int(i32),
    Bool(bool),
    Timestamp(NaiveDateTime),
    Date(NaiveDate),
}

/// Where a bound value stands in hand-written text; [`Statement`] writes the backend's placeholder there. No SQL this
/// code writes contains the byte, and values never go into the text.
const MARK: char = '\u{1}';

/// Conditions joined by AND, with their bound values.
pub struct SqlWhere {
    pub clauses: Vec<String>,
    binds: Vec<BindValue>,
    keep: bool,
}

impl Default for SqlWhere {
    fn default() -> Self {
        SqlWhere::new()
    }
}

impl SqlWhere {
    pub fn new() -> SqlWhere {
        SqlWhere { clauses: Vec::new(), binds: Vec::new(), keep: true }
    }

    /// Binds a value and returns where it goes in the text (written as `$n` on PostgreSQL, `?` on SQLite).
    pub fn placeholder(&mut self, value: BindValue) -> String {
        self.binds.push(value);
        MARK.to_string()
    }

    /// The statement is planned anew on each run, never kept prepared: a full-text condition (see
    /// `SearchCondition` in `recommendation.rs`).
    pub fn never_keep(&mut self) {
        self.keep = false;
    }

    /// The conditions as SQL (`TRUE` when there are none).
    pub fn condition(&self) -> String {
        if self.clauses.is_empty() {
            "TRUE".to_owned()
        } else {
            self.clauses.join(" AND ")
        }
    }

    /// The statement `text`, with the bound values in the order their placeholders were made; its rows are read by
    /// column name ([`QueryableByName`]).
    pub fn query(self, text: String) -> Statement {
        self.typed_query(text)
    }

    /// [`SqlWhere::query`] for a statement whose columns have the SQL types `ST`, in order: its rows are read by
    /// position, as tuples, which costs less than by name.
    pub fn typed_query<ST>(self, text: String) -> Statement<ST> {
        Statement { keep: self.keep && may_keep(&text), text, binds: self.binds, columns: std::marker::PhantomData }
    }
}

/// The most hand-written statement texts a process keeps prepared. Each connection keeps each text it runs (diesel's
/// cache has no bound), and a text varies with the filter's shape: without a bound, callers sending ever new filter
/// combinations would grow every connection's cache, and PostgreSQL's memory for it, without end. Past the bound a
/// new text runs unkept, planned each time, as every hand-written statement did before.
const MOST_KEPT_TEXTS: usize = 512;

/// Whether `text` may be kept prepared: it is one of the first [`MOST_KEPT_TEXTS`] texts this process has seen.
fn may_keep(text: &str) -> bool {
    use std::hash::BuildHasher;
    static SEEN: std::sync::OnceLock<(std::hash::RandomState, std::sync::Mutex<std::collections::HashSet<u64>>)> =
        std::sync::OnceLock::new();
    let (hasher, seen) = SEEN.get_or_init(Default::default);
    let key = hasher.hash_one(text);
    let mut seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if seen.contains(&key) {
        return true;
    }
    if seen.len() >= MOST_KEPT_TEXTS {
        return false;
    }
    seen.insert(key)
}

/// Hand-written SQL with bound values, which diesel keeps prepared on each connection under its text (unless
/// [`SqlWhere::never_keep`]): PostgreSQL then parses and plans it once per connection, not on every run. A count by
/// regional group and status took it 1.71 ms a run unkept and 1.39 ms kept (pgbench, 10,000 recommendations).
/// `diesel::sql_query` is never kept.
pub struct Statement<ST = diesel::sql_types::Untyped> {
    text: String,
    binds: Vec<BindValue>,
    keep: bool,
    columns: std::marker::PhantomData<ST>,
}

impl<ST> QueryId for Statement<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST> Query for Statement<ST> {
    type SqlType = ST;
}

impl<C, ST> RunQueryDsl<C> for Statement<ST> {}

impl<ST> QueryFragment<MultiBackend> for Statement<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        if !self.keep {
            out.unsafe_to_cache_prepared();
        }
        let mut pieces = self.text.split(MARK);
        out.push_sql(pieces.next().unwrap_or_default());
        let mut binds = self.binds.iter();
        for piece in pieces {
            let Some(value) = binds.next() else { return Err(mismatch()) };
            push_bind(&mut out, value)?;
            out.push_sql(piece);
        }
        if binds.next().is_some() {
            return Err(mismatch());
        }
        Ok(())
    }
}

fn mismatch() -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(
        "a hand-written statement's placeholders and values differ in number".into(),
    )
}

/// Binds `value` where the statement stands, as its backend writes a placeholder.
fn push_bind<'b>(out: &mut AstPass<'_, 'b, MultiBackend>, value: &'b BindValue) -> QueryResult<()> {
    match value {
        BindValue::Text(v) => out.push_bind_param::<Text, _>(v),
        BindValue::BigInt(v) => out.push_bind_param::<BigInt, _>(v),
        BindValue::Int(v) => out.push_bind_param::<Integer, _>(v),
        BindValue::Bool(v) => out.push_bind_param::<Bool, _>(v),
        BindValue::Timestamp(v) => out.push_bind_param::<Timestamp, _>(v),
        BindValue::Date(v) => out.push_bind_param::<Date, _>(v),
    }
}

/// One row of a count by up to two values.
#[derive(QueryableByName)]
pub struct BucketRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub a: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub b: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}
