//! Hand-written SQL for what diesel's DSL cannot build over a dynamic filter (grouping by computed values): a WHERE
//! clause with bound parameters in the backend's placeholder style, and the row of a count.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Bool, Date, Integer, Nullable, Text, Timestamp};
use diesel::QueryableByName;

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

/// Conditions joined by AND, with their bound values.
pub struct SqlWhere {
    backend: crate::Backend,
    pub clauses: Vec<String>,
    binds: Vec<BindValue>,
}

impl SqlWhere {
    pub fn new(backend: crate::Backend) -> SqlWhere {
        SqlWhere { backend, clauses: Vec::new(), binds: Vec::new() }
    }

    /// Binds a value and returns its placeholder (`$n` on PostgreSQL, `?` on SQLite).
    pub fn placeholder(&mut self, value: BindValue) -> String {
        self.binds.push(value);
        match self.backend {
            crate::Backend::Postgres => format!("${}", self.binds.len()),
            crate::Backend::Sqlite => "?".to_owned(),
        }
    }

    /// The conditions as SQL (`TRUE` when there are none).
    pub fn condition(&self) -> String {
        if self.clauses.is_empty() {
            "TRUE".to_owned()
        } else {
            self.clauses.join(" AND ")
        }
    }

    /// A query of `text` with the bound values attached in order.
    pub fn query(self, text: String) -> BoxedSqlQuery<'static, MultiBackend, diesel::query_builder::SqlQuery> {
        let mut query = diesel::sql_query(text).into_boxed::<MultiBackend>();
        for value in self.binds {
            query = match value {
                BindValue::Text(v) => query.bind::<Text, _>(v),
                BindValue::BigInt(v) => query.bind::<BigInt, _>(v),
                BindValue::Int(v) => query.bind::<Integer, _>(v),
                BindValue::Bool(v) => query.bind::<Bool, _>(v),
                BindValue::Timestamp(v) => query.bind::<Timestamp, _>(v),
                BindValue::Date(v) => query.bind::<Date, _>(v),
            };
        }
        query
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
