//! Everything checked before a request runs that async-graphql does not check itself, as one extension: the
//! `extensions.code` of parse and validation errors, the document limits, the anonymous public's introspection,
//! and the rate limit (charged after validation, when the query's complexity is known).
//!
//! One extension, not one per check: once any extension is registered, async-graphql runs every resolved field and
//! every list item through each of them (a boxed future apiece), and a country page resolves about a thousand.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, ServerResult, ValidationResult, Variables};

use crate::error;
use crate::limits::DocumentLimits;
use crate::ratelimit::{BudgetSlot, RateKey, RateLimiter};

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
            crate::limits::refuse_introspection(&document)?;
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
        if let (Some(limiter), Some(key), Some(slot)) =
            (&self.rate_limit, ctx.data_opt::<RateKey>(), ctx.data_opt::<BudgetSlot>())
        {
            limiter.charge_request(key, slot, result.complexity)?;
        }
        Ok(result)
    }
}
