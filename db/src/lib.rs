//! Database layer: one diesel connection type over PostgreSQL and SQLite, its pool, migrations, models and seed data.
//!
//! This crate knows nothing of HTTP or GraphQL. Queries return `QueryResult` (or [`DbError`] when run through
//! [`Database::run`]), so callers decide how to present failures.

/// Runs the same (generic) block on whichever backend the connection is, so that multi-row inserts, which the
/// multi-backend connection does not offer, run on the backend's own connection.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConnection::Pg($c) => $body,
            DbConnection::Sqlite($c) => $body,
        }
    };
}

pub mod audit;
pub mod confidential;
pub mod connection;
pub mod demo;
pub mod import;
pub mod migrations;
pub mod models;
pub mod pool;
pub mod resolution;
pub mod schema;
pub mod seed;

pub use seed::{SeedError, SeedReport};

pub use connection::{Backend, DbConnection};
pub use diesel::result::QueryResult;
pub use pool::{Database, DbError, PoolSettings};
