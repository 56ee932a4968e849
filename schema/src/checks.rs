//! Everything checked before a request runs that async-graphql does not check itself, as one extension: the
//! `extensions.code` of parse and validation errors, the document limits, the anonymous public's introspection,
//! and the rate limit (charged after validation, when the query's complexity is known).
//!
//! One extension, not one per check: once any extension is registered, async-graphql runs every resolved field and
//! every list item through each of them (a boxed future apiece), and a country page resolves about a thousand.
//!
//! Even one costs that on every field, so a request already seen to pass runs on a copy of its schema without the
//! extension: [`Passed`] keeps, for each request that passed, the complexity its validation found, under a keyed hash
//! of everything the checks' outcome depends on (the schema, the document, the operation's name, the variables). Its
//! next time, the same request is charged that complexity and runs unchecked. async-graphql's own limits (depth,
//! complexity, recursion, introspection where it is disabled) stay on both copies.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError, ServerResult, ValidationResult, Variables};

use crate::error;
use crate::limits::DocumentLimits;
use crate::ratelimit::RateLimiter;

/// The size of an XXH3 secret (the crate's `DEFAULT_SECRET_SIZE`, which it does not export).
pub const SECRET_SIZE: usize = 192;

/// A random XXH3 secret, for a process's keyed hashes (here, and the response cache's keys).
pub fn random_secret() -> [u8; SECRET_SIZE] {
    let mut secret = [0u8; SECRET_SIZE];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
    secret
}

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
        if let Some(seen) = ctx.data_opt::<Seen>() {
            seen.0.store(result.complexity, Ordering::Relaxed);
        }
        let request = ctx.data_opt::<crate::RequestData>();
        if let (Some(limiter), Some(key), Some(slot)) =
            (&self.rate_limit, request.and_then(|r| r.rate_key.as_ref()), request.map(|r| &r.budget))
        {
            limiter.charge_request(&key.0, slot, result.complexity)?;
        }
        Ok(result)
    }
}

/// Where a checked request's validation leaves its complexity, for [`Passed`] to keep once it has run.
#[derive(Debug, Clone)]
pub struct Seen(Arc<AtomicUsize>);

impl Seen {
    pub fn new() -> Seen {
        Seen(Arc::new(AtomicUsize::new(usize::MAX)))
    }

    /// The complexity, when the request passed every check up to and including validation.
    pub fn complexity(&self) -> Option<usize> {
        Some(self.0.load(Ordering::Relaxed)).filter(|&c| c != usize::MAX)
    }
}

impl Default for Seen {
    fn default() -> Self {
        Seen::new()
    }
}

/// A request's variables written out as JSON, for a key; when there are none (most requests), with no buffer made.
pub fn written_variables(variables: &async_graphql::Variables) -> Option<std::borrow::Cow<'static, [u8]>> {
    if variables.is_empty() {
        return Some(std::borrow::Cow::Borrowed(b"{}"));
    }
    serde_json::to_vec(variables).ok().map(std::borrow::Cow::Owned)
}

thread_local! {
    /// The requests this thread found passed last (a passed request stays passed: the schema and limits are fixed).
    static RECENT: std::cell::RefCell<crate::recent::Recent<usize>> =
        const { std::cell::RefCell::new(crate::recent::Recent::new()) };
}

/// The requests seen to pass every check, each with its complexity.
///
/// The key is 128 bits of XXH3 under a secret drawn when the process starts: nobody without the secret can make two
/// requests share one, which a hash without a secret does not promise. A shared key would let a request over our
/// limits run unchecked in the place of one that passed. Each part is preceded by its length, so that no two
/// different requests write the same bytes. Only a passing request is kept: one that failed a check is checked again
/// each time.
pub struct Passed {
    /// The process's random XXH3 secret: without it, anyone could search offline for a request whose key is that of
    /// one that passed, and have it run unchecked.
    secret: [u8; SECRET_SIZE],
    cache: moka::sync::Cache<u128, usize, foldhash::fast::RandomState>,
    reused: crate::sharded::Counter,
}

impl Passed {
    /// Keeps up to `capacity` requests, the least used leaving first.
    pub fn new(capacity: u64) -> Passed {
        Passed {
            secret: random_secret(),
            // The keys are hashes already: foldhash, not moka's default SipHash, finds them.
            cache: moka::sync::Cache::builder()
                .max_capacity(capacity)
                .build_with_hasher(foldhash::fast::RandomState::default()),
            reused: crate::sharded::Counter::new(),
        }
    }

    /// The key of `request` on the schema numbered `schema`; `None` (never reused) if its variables cannot be
    /// written out.
    pub fn key(&self, schema: u8, request: &Request) -> Option<u128> {
        let variables = written_variables(&request.variables)?;
        let name = request.operation_name.as_deref().unwrap_or("").as_bytes();
        // XXH3 under the secret, not std's SipHash twice over for 128 bits: a country page's document is a kilobyte,
        // hashed on every request.
        let mut hasher = xxhash_rust::xxh3::Xxh3::with_secret(self.secret);
        hasher.update(&[schema]);
        for part in [request.query.as_bytes(), name, &variables] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        Some(hasher.digest128())
    }

    /// The complexity of the request kept under `key`, counting the reuse. A key is this instance's alone (its
    /// secret's), so the thread's recent keys, shared by every instance on the thread, cannot mix two up.
    pub fn get(&self, key: u128) -> Option<usize> {
        let found = match RECENT.with_borrow(|recent| recent.get(key)) {
            Some(found) => found,
            None => {
                let found = self.cache.get(&key)?;
                RECENT.with_borrow_mut(|recent| recent.put(key, found));
                found
            }
        };
        self.reused.inc();
        Some(found)
    }

    pub fn insert(&self, key: u128, complexity: usize) {
        self.cache.insert(key, complexity);
    }

    /// How many requests ran unchecked because they had passed before.
    pub fn reused(&self) -> u64 {
        self.reused.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_the_same_only_for_the_same_request_on_the_same_schema() {
        let passed = Passed::new(8);
        let request = |query: &str, name: Option<&str>, n: i64| {
            let mut request = Request::new(query).variables(Variables::from_json(serde_json::json!({ "n": n })));
            request.operation_name = name.map(str::to_owned);
            request
        };
        let key = |schema: u8, r: &Request| passed.key(schema, r).expect("a key");
        let base = request("query Q($n: Int) { a }", Some("Q"), 1);
        assert_eq!(key(0, &base), key(0, &request("query Q($n: Int) { a }", Some("Q"), 1)));
        assert_ne!(key(0, &base), key(1, &base), "the schema is part of the key");
        assert_ne!(key(0, &base), key(0, &request("query Q($n: Int) { a }", Some("Q"), 2)), "so are the variables");
        assert_ne!(key(0, &base), key(0, &request("query Q($n: Int) { a }", None, 1)), "and the operation's name");
        // The same bytes split otherwise between document and name are another request.
        assert_ne!(key(0, &request("{ aQ", None, 1)), key(0, &request("{ a", Some("Q"), 1)));
        // No variables are written as serde_json writes an empty object.
        assert_eq!(
            written_variables(&Variables::default()).unwrap().as_ref(),
            serde_json::to_vec(&Variables::default()).unwrap().as_slice()
        );
        // Another process (another secret) gives the same request another key.
        assert_ne!(key(0, &base), Passed::new(8).key(0, &base).unwrap());
    }
}
