//! The GraphQL schema of the Council Mechanisms API: types, resolvers, loaders, errors and authentication.
//!
//! The web server only transports requests: it authenticates the caller, then hands the request to [`AppSchema`]
//! with a [`RequestContext`].
//!
//! There are two schemas. The public one, served to the anonymous public and to every role without business in the
//! confidential complaint procedure, has none of that procedure's confidential types or fields, and no way to its
//! store. The complaint schema adds them, with the store's pool, and is served only to complaint-procedure staff and
//! the Council's Bureau (see [`complaint`]).

pub mod access;
pub mod auth;
pub mod complaint;
pub mod error;
pub mod events;
pub mod fund;
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

use async_graphql::{Request, Response, Schema};
use events::SubscriptionRoot;
use futures_util::stream::BoxStream;
use hrc_db::confidential::ConfidentialStore;
use hrc_db::Database;

pub use error::{code, ApiError};
pub use lang::Lang;
pub use query::QueryRoot;

/// The schema everyone without business in the confidential complaint procedure gets.
pub type PublicSchema = Schema<QueryRoot, mutation::MutationRoot, SubscriptionRoot>;

pub use mutation::ComplaintMutationRoot;
pub use query::ComplaintQueryRoot;

/// The schema complaint-procedure staff and the Council's Bureau get.
pub type ComplaintSchema = Schema<ComplaintQueryRoot, ComplaintMutationRoot, SubscriptionRoot>;

/// Both schemas; each request runs on the one its caller's roles select.
#[derive(Clone)]
pub struct AppSchema {
    public: PublicSchema,
    complaint: ComplaintSchema,
}

impl AppSchema {
    /// Runs a request for the caller of `context`, on the schema its roles select.
    pub async fn execute(&self, context: RequestContext, request: Request, db: &Database) -> Response {
        let confidential = complaint::sees_complaint_schema(context.viewer.as_ref());
        let request = context.attach(request, db);
        if confidential {
            self.complaint.execute(request).await
        } else {
            self.public.execute(request).await
        }
    }

    /// Runs an operation of any kind (a subscription yields many responses) for the caller of `context`.
    pub fn execute_stream(
        &self,
        context: RequestContext,
        request: Request,
        db: &Database,
    ) -> BoxStream<'static, Response> {
        let confidential = complaint::sees_complaint_schema(context.viewer.as_ref());
        let request = context.attach(request, db);
        if confidential {
            Box::pin(self.complaint.execute_stream(request))
        } else {
            Box::pin(self.public.execute_stream(request))
        }
    }
}

/// The request's id, as the application log names it (for the confidential audit log).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

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

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, mutation::MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), mutation::MutationRoot::default(), SubscriptionRoot)
        .extension(error::ErrorCodes)
}

fn complaint_builder() -> async_graphql::SchemaBuilder<ComplaintQueryRoot, ComplaintMutationRoot, SubscriptionRoot> {
    Schema::build(ComplaintQueryRoot::default(), ComplaintMutationRoot::default(), SubscriptionRoot)
        .extension(error::ErrorCodes)
}

/// Builds both schemas: the public one over the public database, the complaint one with the confidential store too.
pub fn build(
    db: Database,
    store: ConfidentialStore,
    events: events::FundEvents,
    limits: &Limits,
    policy: fund::FundPolicy,
) -> AppSchema {
    let public = builder()
        .data(db.clone())
        .data(policy)
        .data(events.clone())
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .limit_recursive_depth(limits.recursive_depth)
        .finish();
    let complaint = complaint_builder()
        .data(db)
        .data(policy)
        .data(events)
        .data(complaint::Store(store))
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .limit_recursive_depth(limits.recursive_depth)
        .finish();
    AppSchema { public, complaint }
}

/// The public schema in SDL, as `hrc-api export-schema` prints it.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// The complaint schema in SDL (`hrc-api export-schema --complaint`): what complaint-procedure staff see, all roles'
/// fields included.
pub fn complaint_sdl() -> String {
    complaint_builder().finish().sdl()
}

/// What the server knows of one request.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The verified caller; `None` for the anonymous public.
    pub viewer: Option<auth::Viewer>,
    /// The language asked for in `Accept-Language`.
    pub lang: Lang,
    /// The request id of the application log.
    pub request_id: String,
}

impl RequestContext {
    /// Attaches the caller, the language and fresh loaders to a request.
    pub fn attach(self, request: Request, db: &Database) -> Request {
        let request = request.data(self.lang).data(RequestId(self.request_id)).data(loaders::for_request(db));
        match self.viewer {
            Some(viewer) => request.data(viewer),
            None => request,
        }
    }
}
