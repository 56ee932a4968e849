//! Everything checked before a request runs, and before each root field resolves, that async-graphql does not
//! check itself, as one extension: the `extensions.code` of parse and validation errors, the document limits, the
//! anonymous public's introspection, the rate limit (charged after validation, when the query's complexity is known),
//! and the access table's rule of every root field.
//!
//! One extension, not one per check: once any extension is registered, async-graphql runs every resolved field
//! through each of them, and a country page resolves about a thousand. Every request is checked: nothing here
//! remembers a request that passed.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextResolve, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensions, PathSegment, ServerError, ServerResult, ValidationResult, Value, Variables};

use crate::support::error;
use crate::support::limits::DocumentLimits;
use crate::support::ratelimit::RateLimiter;

/// The checks of one schema.
#[derive(Debug, Clone)]
pub struct Checks {
    /// The document's length, aliases and depth.
    pub document: DocumentLimits,
    /// Refuse `__schema` and `__type` (the anonymous public in production).
    pub no_introspection: bool,
    /// The rate limit, shared by every schema so that a caller has one budget.
    pub rate_limit: Option<Arc<RateLimiter>>,
}

/// Registers the checks; every request shares them (nothing is allocated per request).
pub struct ChecksFactory(Arc<Checks>);

impl ChecksFactory {
    pub fn new(checks: Checks) -> ChecksFactory {
        ChecksFactory(Arc::new(checks))
    }
}

impl ExtensionFactory for ChecksFactory {
    fn create(&self) -> Arc<dyn Extension> {
        self.0.clone()
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Checks {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        self.document.check_length(query)?;
        let document = next.run(ctx, query, variables).await.map_err(error::parse_error)?;
        if self.no_introspection {
            crate::support::limits::refuse_introspection(&document)?;
        }
        self.document.check_shape(&document)?;
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await.map_err(error::validation_errors)?;
        let request = ctx.data_opt::<crate::RequestData>();
        if let (Some(limiter), Some(key), Some(slot)) =
            (&self.rate_limit, request.and_then(|r| r.rate_key.as_ref()), request.map(|r| &r.budget))
        {
            limiter.charge_request(&key.0, slot, result.complexity)?;
        }
        Ok(result)
    }

    /// A root field of a query or a mutation resolves only if the access table lets the caller use it: every root
    /// field asks the table here, public ones included, so a field the table does not list is refused (deny by
    /// default). Subscriptions ask it where their streams are made. Resolvers that need to know which rows the
    /// caller sees ask the table again for the scope.
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // A subscription's root field resolves again with each event, under the name of the area's part of the merged
        // root: it asked the table when its stream was made.
        let root = info.path_node.parent.is_none() && matches!(info.parent_type, "Query" | "Mutation");
        if root && !info.is_for_introspection && !info.name.starts_with("__") {
            let path = format!("{}.{}", info.parent_type, info.name);
            let viewer = ctx.data_opt::<crate::RequestData>().and_then(|r| r.viewer.as_ref());
            if crate::support::access::scope(viewer, &path).is_none() {
                let refusal = crate::support::access::refusal(viewer, &path);
                let mut error = refusal.extend().into_server_error(info.field.name.pos);
                error.path = vec![PathSegment::Field(info.alias.unwrap_or(info.name).to_owned())];
                return Err(error);
            }
        }
        next.run(ctx, info).await
    }
}
