//! Prometheus metrics, served at `/metrics` in the OpenMetrics text format (prometheus-client, the Prometheus
//! project's own Rust client).
//!
//! - `hrc_http_requests_total{method,route,status}` and `hrc_http_request_duration_seconds{route}`: every request, by
//!   route pattern (`/api/v1/mandates/{id}`, never the path itself, so IDs do not multiply the series);
//! - `hrc_graphql_operation_duration_seconds{operation}`: GraphQL requests by operation name (the first 200 distinct
//!   names a client sends; then `other`);
//! - `hrc_graphql_errors_total{code}`: errors by `extensions.code`;
//! - `hrc_dataloader_batch_size{loader}`: how many keys each DataLoader batch carried;
//! - `hrc_db_pool_connections{pool,state}` and `hrc_db_pool_max_connections{pool}`, read at each scrape;
//! - `hrc_db_statements_total`, `hrc_db_statements_kept_total` and `hrc_response_cache_requests_total{result}`;
//! - `hrc_reference_cache_loads_total`: copies of the reference tables read into memory (one at start, then one after
//!   each change or time to live);
//! - `hrc_count_cache_requests_total{result}`: lookups in the counts of recommendations kept in memory.
//!
//! Labels carry no request content: route patterns, operation names, error codes, loader names.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabel {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LoaderLabel {
    loader: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabel {
    pool: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabel {
    result: &'static str,
}

/// The code of a request-level GraphQL error (one refused before it ran), left on the response for the metrics.
#[derive(Debug, Clone)]
pub struct ErrorCode(pub String);

/// HTTP's methods, as labels; any other is `OTHER`.
const STANDARD_METHODS: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/// Distinct operation names kept as labels; later ones count as `other`.
const MAX_OPERATIONS: usize = 200;

fn seconds() -> Histogram {
    Histogram::new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
}

fn batch_sizes() -> Histogram {
    Histogram::new([1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0])
}

/// A family of histograms, each made by a function.
type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// DataLoader batches of every server in the process: the loaders report to one place (a function set once).
static BATCHES: LazyLock<Histograms<LoaderLabel>> = LazyLock::new(|| {
    hrc_schema::loaders::observe_batches(|loader, size| {
        BATCHES.get_or_create(&LoaderLabel { loader: loader.to_owned() }).observe(size as f64);
    });
    Family::new_with_constructor(batch_sizes as _)
});

type PoolState = Box<dyn Fn() -> (u32, u32, u32) + Send + Sync>;

/// One server's metrics.
pub struct Metrics {
    registry: Registry,
    http: Family<HttpLabels, Counter>,
    http_seconds: Histograms<RouteLabel>,
    operations: Histograms<OperationLabel>,
    /// The operation names with a series of their own (at most [`MAX_OPERATIONS`]).
    named_operations: RwLock<std::collections::HashSet<String>>,
    errors: Family<CodeLabel, Counter>,
    pool_connections: Family<PoolLabels, Gauge>,
    pool_max: Family<PoolLabel, Gauge>,
    statements: Counter,
    statements_seen: AtomicU64,
    statements_kept: Counter,
    statements_kept_seen: AtomicU64,
    cache: Family<CacheLabel, Counter>,
    cache_seen: [AtomicU64; 2],
    reference_loads: Counter,
    reference_loads_seen: AtomicU64,
    counts: Family<CacheLabel, Counter>,
    counts_seen: [AtomicU64; 2],
    pools: Vec<(&'static str, PoolState)>,
}

impl Metrics {
    /// The metrics of a node over its public pool, its read replica's (if any) and its confidential store's.
    pub fn new(
        db: &hrc_db::Database,
        read: Option<&hrc_db::Database>,
        store: &hrc_db::confidential::ConfidentialStore,
    ) -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("hrc");
        let http = Family::<HttpLabels, Counter>::default();
        let http_seconds = Histograms::<RouteLabel>::new_with_constructor(seconds as _);
        let operations = Histograms::<OperationLabel>::new_with_constructor(seconds as _);
        let errors = Family::<CodeLabel, Counter>::default();
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        let pool_max = Family::<PoolLabel, Gauge>::default();
        let statements = Counter::default();
        let statements_kept = Counter::default();
        let cache = Family::<CacheLabel, Counter>::default();
        let reference_loads = Counter::default();
        let counts = Family::<CacheLabel, Counter>::default();
        registry.register("http_requests", "HTTP requests by method, route pattern and status", http.clone());
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route pattern",
            http_seconds.clone(),
        );
        registry.register(
            "graphql_operation_duration_seconds",
            "GraphQL request latency by operation name",
            operations.clone(),
        );
        registry.register("graphql_errors", "GraphQL errors by extensions.code", errors.clone());
        registry.register("dataloader_batch_size", "Keys per DataLoader batch, by loader", BATCHES.clone());
        registry.register(
            "db_pool_connections",
            "Pooled database connections, by pool and state",
            pool_connections.clone(),
        );
        registry.register("db_pool_max_connections", "Most connections each pool may open", pool_max.clone());
        registry.register(
            "db_statements",
            "SQL statements run on the public database (and its read replica)",
            statements.clone(),
        );
        registry.register(
            "db_statements_kept",
            "SQL statements prepared to be kept for reuse, once per text and connection (public database and replica)",
            statements_kept.clone(),
        );
        registry.register("response_cache_requests", "Lookups in the cache of public responses", cache.clone());
        registry.register(
            "reference_cache_loads",
            "Copies of the reference tables (countries, mechanisms, thesaurus, SDG targets, mandate holders) read into memory",
            reference_loads.clone(),
        );
        registry.register(
            "count_cache_requests",
            "Lookups in the counts of recommendations kept in memory",
            counts.clone(),
        );
        let public = db.clone();
        let confidential = store.clone();
        let mut pools: Vec<(&'static str, PoolState)> = vec![
            ("public", Box::new(move || public.pool_state())),
            ("confidential", Box::new(move || confidential.pool_state())),
        ];
        if let Some(read) = read.cloned() {
            pools.push(("public_read", Box::new(move || read.pool_state())));
        }
        let statements_now = db.statements_executed() + read.map_or(0, |r| r.statements_executed());
        let kept_now = db.statements_kept() + read.map_or(0, |r| r.statements_kept());
        Arc::new(Metrics {
            registry,
            http,
            http_seconds,
            operations,
            named_operations: RwLock::default(),
            errors,
            pool_connections,
            pool_max,
            statements,
            statements_seen: AtomicU64::new(statements_now),
            statements_kept,
            statements_kept_seen: AtomicU64::new(kept_now),
            cache,
            cache_seen: [AtomicU64::new(0), AtomicU64::new(0)],
            reference_loads,
            reference_loads_seen: AtomicU64::new(0),
            counts,
            counts_seen: [AtomicU64::new(0), AtomicU64::new(0)],
            pools,
        })
    }

    /// One HTTP request done.
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        // A method outside HTTP's own is counted as `OTHER`: a client may send any token there, and each would
        // otherwise make a series of its own.
        let method = STANDARD_METHODS.iter().copied().find(|m| *m == method).unwrap_or("OTHER");
        let labels = HttpLabels { method: method.to_owned(), route: route.to_owned(), status };
        self.http.get_or_create(&labels).inc();
        self.http_seconds.get_or_create(&RouteLabel { route: route.to_owned() }).observe(took.as_secs_f64());
    }

    /// One GraphQL request done, under its operation name: the first [`MAX_OPERATIONS`] distinct names have a
    /// series each, the unnamed `anonymous`, the rest `other`.
    pub fn operation(&self, name: Option<&str>, took: Duration) {
        let label = match name {
            None => "anonymous",
            Some(name) if is_name(name) && self.has_series(name) => name,
            Some(_) => "other",
        };
        self.operations.get_or_create(&OperationLabel { operation: label.to_owned() }).observe(took.as_secs_f64());
    }

    /// Whether `name` has a series of its own, giving it one while fewer than [`MAX_OPERATIONS`] have.
    fn has_series(&self, name: &str) -> bool {
        if self.named_operations.read().unwrap_or_else(|e| e.into_inner()).contains(name) {
            return true;
        }
        let mut named = self.named_operations.write().unwrap_or_else(|e| e.into_inner());
        if named.len() < MAX_OPERATIONS || named.contains(name) {
            named.insert(name.to_owned());
            return true;
        }
        false
    }

    /// One GraphQL error, by its code.
    pub fn error(&self, code: &str) {
        let code = if is_name(code) { code } else { "other" };
        self.errors.get_or_create(&CodeLabel { code: code.to_owned() }).inc();
    }

    /// The text served at `/metrics`, with the pools, statements and cache read now.
    pub fn render(
        &self,
        db: &hrc_db::Database,
        read: Option<&hrc_db::Database>,
        cache: &crate::caching::ResponseCache,
        schema: &hrc_schema::AppSchema,
    ) -> String {
        for (pool, state) in &self.pools {
            let (open, idle, max) = state();
            self.pool_connections.get_or_create(&PoolLabels { pool, state: "idle" }).set(i64::from(idle));
            self.pool_connections
                .get_or_create(&PoolLabels { pool, state: "in_use" })
                .set(i64::from(open.saturating_sub(idle)));
            self.pool_max.get_or_create(&PoolLabel { pool }).set(i64::from(max));
        }
        let advance = |counter: &Counter, seen: &AtomicU64, now: u64| {
            let before = seen.swap(now, Ordering::Relaxed);
            counter.inc_by(now.saturating_sub(before));
        };
        let statements = db.statements_executed() + read.map_or(0, |r| r.statements_executed());
        advance(&self.statements, &self.statements_seen, statements);
        let kept = db.statements_kept() + read.map_or(0, |r| r.statements_kept());
        advance(&self.statements_kept, &self.statements_kept_seen, kept);
        for (family, seen, (hits, misses)) in [
            (&self.cache, &self.cache_seen, cache.counts()),
            (&self.counts, &self.counts_seen, schema.counts().counts()),
        ] {
            advance(&family.get_or_create(&CacheLabel { result: "hit" }), &seen[0], hits);
            advance(&family.get_or_create(&CacheLabel { result: "miss" }), &seen[1], misses);
        }
        advance(&self.reference_loads, &self.reference_loads_seen, schema.reference().loads());
        let mut text = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!(error = %e, "the metrics could not be encoded");
        }
        text
    }
}

/// A GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`) of at most 64 characters: anything else is not used as a label.
pub fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= 64
        && chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_past_the_limit_count_as_other_on_every_thread() {
        let (metrics, _dir) = test_metrics();
        let metrics = Arc::new(metrics);
        let names: Vec<String> = (0..MAX_OPERATIONS + 5).map(|i| format!("Op{i}")).collect();
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let (metrics, names) = (metrics.clone(), names.clone());
                std::thread::spawn(move || {
                    for name in &names {
                        metrics.operation(Some(name), Duration::from_millis(1));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(metrics.named_operations.read().unwrap().len(), MAX_OPERATIONS);
        let text = metrics.registry_text();
        let count = |operation: &str| -> u64 {
            let prefix = format!("hrc_graphql_operation_duration_seconds_count{{operation=\"{operation}\"}} ");
            text.lines().find_map(|l| l.strip_prefix(&prefix)).map_or(0, |n| n.trim().parse().unwrap())
        };
        let total: u64 = names.iter().map(String::as_str).chain(["other"]).map(count).sum();
        assert_eq!(total, 3 * names.len() as u64, "every observation is somewhere");
        assert_eq!(count("other"), 3 * 5);
    }

    /// Metrics over two empty SQLite files (the pools are only read for their state), with the directory they are in.
    fn test_metrics() -> (Metrics, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        let db = hrc_db::Database::connect(&path("public.db"), &Default::default()).unwrap();
        let store =
            hrc_db::confidential::ConfidentialStore::connect(&path("confidential.db"), &Default::default()).unwrap();
        (Arc::into_inner(Metrics::new(&db, None, &store)).unwrap(), dir)
    }

    impl Metrics {
        fn registry_text(&self) -> String {
            let mut text = String::new();
            prometheus_client::encoding::text::encode(&mut text, &self.registry).unwrap();
            text
        }
    }
}
