//! The GraphQL schema of the Council Mechanisms API: types, resolvers, loaders, errors and authentication.
//!
//! The web server only transports requests: it authenticates the caller, then hands the request to [`AppSchema`]
//! with a [`RequestContext`].
//!
//! There are two schemas. The public one, served to the anonymous public and to every role without business in the
//! confidential complaint procedure, has none of that procedure's confidential types or fields, and no way to its
//! store. The complaint schema adds them, with the store's pool, and is served only to complaint-procedure staff and
//! the Council's Bureau (see [`complaint`]).

pub mod cache;
pub mod communication;
pub mod complaint;
pub mod early_warning;
pub mod events;
pub mod fund;
pub mod loaders;
pub mod lookup;
pub mod mechanism;
pub mod national;
pub mod node;
pub mod recommendation;
pub mod reference;
pub mod reprisal;
pub mod resolution;
pub mod root;
pub mod roster;
pub mod situation;
pub mod support;
pub mod thesaurus;
pub mod viewer;
pub mod visit;

use async_graphql::{Request, Response, Schema};
use futures_util::stream::BoxStream;
use hrc_db::confidential::ConfidentialStore;
use hrc_db::Database;
use root::SubscriptionRoot;

use cache::counts;
pub use root::QueryRoot;
pub use support::error::{code, ApiError};
pub use support::lang::Lang;
use support::{access, auth, checks, ratelimit};

/// The schema everyone without business in the confidential complaint procedure gets.
pub type PublicSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

pub use root::ComplaintQueryRoot;
pub use root::{ComplaintMutationRoot, MutationRoot};

/// The schema complaint-procedure staff and the Council's Bureau get.
pub type ComplaintSchema = Schema<ComplaintQueryRoot, ComplaintMutationRoot, SubscriptionRoot>;

/// The schemas; each request runs on the one its caller selects: the complaint schema for complaint roles and the
/// Bureau, the public one for other callers, and for the anonymous public a copy of it without introspection and
/// suggestions where the limits say so (production; elsewhere it is the public one).
#[derive(Clone)]
pub struct AppSchema {
    public: PublicSchema,
    anonymous: PublicSchema,
    complaint: ComplaintSchema,
    timeout: std::time::Duration,
    limiter: Option<std::sync::Arc<ratelimit::RateLimiter>>,
    reference: std::sync::Arc<cache::reference::ReferenceCache>,
    counts: std::sync::Arc<counts::CountCache>,
}

impl AppSchema {
    /// Charges `cost` points to the caller of `context` for an answer served without running (from a cache), and
    /// records the budget in `context.budget`; `false` when that is over the caller's budget.
    pub fn charge(&self, context: &RequestContext, cost: u64) -> bool {
        let (Some(limiter), false) = (&self.limiter, context.rate_key.is_empty()) else { return true };
        let charged = limiter.charge(&context.rate_key, cost.max(1));
        if let Ok(mut slot) = context.budget.0.lock() {
            *slot = Some(match charged {
                Ok(budget) | Err(budget) => budget,
            });
        }
        charged.is_ok()
    }

    /// The copy of the reference tables in memory, which a node empties when data changes.
    pub fn reference(&self) -> &std::sync::Arc<cache::reference::ReferenceCache> {
        &self.reference
    }

    /// The counts of recommendations in memory, which a node empties when data changes.
    pub fn counts(&self) -> &std::sync::Arc<counts::CountCache> {
        &self.counts
    }

    /// Data changed (a mutation ended on this node): what is kept in memory from the data goes, so that no caller,
    /// and first of all the one who changed it, reads it as it was.
    pub fn data_changed(&self) {
        self.reference.invalidate();
        self.counts.invalidate();
    }

    /// Runs a request for the caller of `context`, on the schema its roles select, within the time limit.
    pub async fn execute(&self, context: RequestContext, request: Request, db: &Database) -> Response {
        let confidential = access::sees_complaint_schema(context.viewer.as_ref());
        let anonymous = context.viewer.is_none();
        let request = context.attach(request, db, &self.reference);
        // Boxed: async-graphql's execution is a large future, and unboxed it would be copied whole into the timeout
        // and into every future that awaits this one.
        let run = Box::pin(async {
            match (confidential, anonymous) {
                (true, _) => self.complaint.execute(request).await,
                (false, true) => self.anonymous.execute(request).await,
                (false, false) => self.public.execute(request).await,
            }
        });
        match tokio::time::timeout(self.timeout, run).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(limit_ms = self.timeout.as_millis() as u64, "a request ran out of time and was stopped");
                let mut error = async_graphql::ServerError::new(
                    format!("the request took longer than {} ms and was stopped", self.timeout.as_millis()),
                    None,
                );
                error.extensions.get_or_insert_with(Default::default).set("code", code::TIMEOUT);
                Response::from_errors(vec![error])
            }
        }
    }

    /// Runs an operation of any kind (a subscription yields many responses) for the caller of `context`.
    pub fn execute_stream(
        &self,
        context: RequestContext,
        request: Request,
        db: &Database,
    ) -> BoxStream<'static, Response> {
        let confidential = access::sees_complaint_schema(context.viewer.as_ref());
        let anonymous = context.viewer.is_none();
        let request = context.attach(request, db, &self.reference);
        if confidential {
            Box::pin(self.complaint.execute_stream(request))
        } else if anonymous {
            Box::pin(self.anonymous.execute_stream(request))
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
    /// Longest document accepted, in bytes.
    pub document_bytes: usize,
    /// Most aliased fields in one document.
    pub aliases: usize,
    /// Longest a request may run before it is stopped with `TIMEOUT`.
    pub timeout: std::time::Duration,
    /// Rate limit: points per window per caller (0: none), and the window.
    pub rate_points: u64,
    pub rate_window: std::time::Duration,
    /// Whether the anonymous public may introspect the schema and get "did you mean" suggestions (off in
    /// production; authenticated callers keep both).
    pub anonymous_introspection: bool,
    /// How long the copy of the reference tables in memory serves before it is read anew (zero: no copy; see
    /// [`reference`]).
    pub reference_cache: std::time::Duration,
    /// How long a count of recommendations kept in memory serves before it is computed anew (zero: none kept; see
    /// [`counts`]).
    pub count_cache: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 12,
            complexity: 10_000,
            recursive_depth: 32,
            document_bytes: 32 * 1024,
            aliases: 30,
            timeout: std::time::Duration::from_secs(15),
            anonymous_introspection: true,
            rate_points: 200_000,
            rate_window: std::time::Duration::from_secs(60),
            reference_cache: std::time::Duration::from_secs(60),
            count_cache: std::time::Duration::from_secs(60),
        }
    }
}

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot::default())
}

fn complaint_builder() -> async_graphql::SchemaBuilder<ComplaintQueryRoot, ComplaintMutationRoot, SubscriptionRoot> {
    Schema::build(ComplaintQueryRoot::default(), ComplaintMutationRoot::default(), SubscriptionRoot::default())
}

/// Builds both schemas: the public one over the public database, the complaint one with the confidential store too.
pub fn build(
    db: Database,
    store: ConfidentialStore,
    events: events::Events,
    limits: &Limits,
    policy: fund::FundPolicy,
    early_warning: early_warning::EarlyWarningPolicy,
) -> AppSchema {
    let document = crate::support::limits::DocumentLimits {
        max_bytes: limits.document_bytes,
        max_aliases: limits.aliases,
        max_depth: limits.depth,
    };
    // The data's depth is the document check's; async-graphql's own is the ceiling for introspection too.
    let ceiling = limits.depth.max(crate::support::limits::INTROSPECTION_DEPTH);
    let limiter = (limits.rate_points > 0)
        .then(|| std::sync::Arc::new(ratelimit::RateLimiter::new(limits.rate_points, limits.rate_window)));
    let counts = std::sync::Arc::new(counts::CountCache::new(limits.count_cache));
    let checks = |no_introspection: bool| {
        checks::ChecksFactory::new(checks::Checks { document, no_introspection, rate_limit: limiter.clone() })
    };
    let public = |no_introspection: bool| {
        builder()
            .extension(checks(no_introspection))
            .data(db.clone())
            .data(policy)
            .data(early_warning.clone())
            .data(events.clone())
            .data(counts.clone())
            .limit_depth(ceiling)
            .limit_complexity(limits.complexity)
            .limit_recursive_depth(limits.recursive_depth)
    };
    let public_schema = public(false).finish();
    // Where the public may introspect, its schema is the signed-in callers' own (one copy, not two).
    let anonymous = if limits.anonymous_introspection {
        public_schema.clone()
    } else {
        public(true).disable_introspection().disable_suggestions().finish()
    };
    let complaint = complaint_builder()
        .extension(checks(false))
        .data(db.clone())
        .data(policy)
        .data(early_warning.clone())
        .data(events.clone())
        .data(complaint::Store(store))
        .data(counts.clone())
        .limit_depth(ceiling)
        .limit_complexity(limits.complexity)
        .limit_recursive_depth(limits.recursive_depth)
        .finish();
    AppSchema {
        anonymous,
        public: public_schema,
        complaint,
        timeout: limits.timeout,
        limiter,
        reference: std::sync::Arc::new(cache::reference::ReferenceCache::new(limits.reference_cache)),
        counts,
    }
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
    /// Who the request is charged to: the token subject, else the client address; empty charges nobody (for the
    /// pages of an export after its first, and the command line).
    pub rate_key: String,
    /// Where the request's rate-limit budget is left.
    pub budget: ratelimit::BudgetSlot,
}

impl RequestContext {
    /// Attaches the caller, the language and fresh loaders to a request.
    pub fn attach(
        self,
        request: Request,
        db: &Database,
        reference: &std::sync::Arc<cache::reference::ReferenceCache>,
    ) -> Request {
        request.data(RequestData {
            lang: self.lang,
            request_id: RequestId(self.request_id),
            budget: self.budget,
            loaders: loaders::RequestLoaders::new(reference),
            db: db.clone(),
            // An empty key charges nobody: the later pages of an export, whose first page was charged.
            rate_key: (!self.rate_key.is_empty()).then_some(ratelimit::RateKey(self.rate_key)),
            viewer: self.viewer,
        })
    }
}

/// What one request carries into the schema, as one entry of async-graphql's request data. (Each entry there is a
/// boxed value in a hash map made and dropped with the request: seven of them cost `{ __typename }` about a twentieth
/// of its instructions.)
pub struct RequestData {
    /// The language asked for in `Accept-Language`.
    pub lang: Lang,
    pub request_id: RequestId,
    /// The caller's rate-limit budget, filled in when the request is charged.
    pub budget: ratelimit::BudgetSlot,
    pub loaders: loaders::RequestLoaders,
    /// The request's database: the primary, or a read replica for a public read (before the schema's own).
    pub db: Database,
    /// Who the request is charged to; `None` charges nobody.
    pub rate_key: Option<ratelimit::RateKey>,
    /// The verified caller; `None` for the anonymous public.
    pub viewer: Option<auth::Viewer>,
}

impl RequestData {
    /// The request's data, in a resolver.
    pub fn of<'a>(ctx: &async_graphql::Context<'a>) -> Option<&'a RequestData> {
        ctx.data_opt::<RequestData>()
    }
}

/// The verified caller of the request; `None` for the anonymous public.
pub fn viewer<'a>(ctx: &async_graphql::Context<'a>) -> Option<&'a auth::Viewer> {
    RequestData::of(ctx).and_then(|d| d.viewer.as_ref())
}
