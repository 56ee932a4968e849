//! The GraphQL schema of the Council Mechanisms API: types, resolvers, loaders, errors and authentication.
//!
//! The web server only transports requests: it authenticates the caller, then hands the request to [`AppSchema`]
//! with a [`RequestContext`].

pub mod access;
pub mod auth;
pub mod error;
pub mod ids;
pub mod lang;
pub mod loaders;
pub mod mutation;
pub mod node;
pub mod pagination;
pub mod query;
pub mod scalars;
pub mod types;
pub mod writes;

use async_graphql::{EmptySubscription, Request, Schema};
use hrc_db::Database;

pub use error::{code, ApiError};
pub use lang::Lang;
pub use query::QueryRoot;

/// The schema type.
pub type AppSchema = Schema<QueryRoot, mutation::MutationRoot, EmptySubscription>;

/// Limits on the shape of a query, checked before it runs.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest selection nesting.
    pub depth: usize,
    /// Highest total cost (each field counts 1 by default).
    pub complexity: usize,
    /// Deepest nesting the parser accepts (guards the parser's stack).
    pub recursive_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { depth: 12, complexity: 5_000, recursive_depth: 32 }
    }
}

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, mutation::MutationRoot, EmptySubscription> {
    Schema::build(QueryRoot::default(), mutation::MutationRoot::default(), EmptySubscription)
        .extension(error::ErrorCodes)
}

/// Builds the schema over a database.
pub fn build(db: Database, limits: &Limits) -> AppSchema {
    builder()
        .data(db)
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .limit_recursive_depth(limits.recursive_depth)
        .finish()
}

/// The schema in SDL, as `hrc-api export-schema` prints it.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// What the server knows of one request.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The verified caller; `None` for the anonymous public.
    pub viewer: Option<auth::Viewer>,
    /// The language asked for in `Accept-Language`.
    pub lang: Lang,
}

impl RequestContext {
    /// Attaches the caller, the language and fresh loaders to a request.
    pub fn attach(self, request: Request, db: &Database) -> Request {
        let request = request.data(self.lang).data(loaders::for_request(db));
        match self.viewer {
            Some(viewer) => request.data(viewer),
            None => request,
        }
    }
}
