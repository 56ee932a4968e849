//! What every area uses: the access table, authentication, errors, IDs, languages, scalars, pagination, the limits
//! and checks on a request, the rate limit, running a query on the database, and the lookups of filters.

pub mod access;
pub mod auth;
pub mod checks;
pub mod database;
pub mod error;
pub mod ids;
pub mod lang;
pub mod limits;
pub mod pagination;
pub mod ratelimit;
pub mod scalars;
pub mod write;
