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
//! - `hrc_graphql_checks_reused_total`: requests that ran without the document checks because the same request had
//!   passed them before;
//! - `hrc_reference_cache_loads_total`: copies of the reference tables read into memory (one at start, then one after
//!   each change or time to live);
//! - `hrc_count_cache_requests_total{result}`: lookups in the counts of recommendations kept in memory.
//!
//! Labels carry no request content: route patterns, operation names, error codes, loader names.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, OnceLock, RwLock};
use std::time::Duration;

use hrc_schema::sharded;
use prometheus_client::encoding::{EncodeLabelSet, EncodeMetric, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::{MetricType, TypedMetric};
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

/// A Prometheus counter that each worker adds to on a cache line of its own ([`hrc_schema::sharded`]): with
/// prometheus-client's own, every request of every worker added to one shared atomic.
#[derive(Clone, Default, Debug)]
struct LocalCounter(Arc<sharded::Counter>);

impl LocalCounter {
    fn inc(&self) {
        self.0.inc();
    }
}

impl TypedMetric for LocalCounter {
    const TYPE: MetricType = MetricType::Counter;
}

impl EncodeMetric for LocalCounter {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        encoder.encode_counter::<NoLabelSet, _, u64>(&self.0.get(), None)
    }

    fn metric_type(&self) -> MetricType {
        Self::TYPE
    }
}

/// A Prometheus histogram whose every worker observes into a shard of its own ([`hrc_schema::sharded`]): the
/// prometheus-client histogram takes a write lock that all the workers share at each observation. Observations are
/// whole units (`per_value` of them to the exported value: nanoseconds for seconds).
#[derive(Clone, Debug)]
struct LocalHistogram {
    shards: Arc<sharded::Histogram>,
    bounds: Arc<[f64]>,
    per_value: f64,
}

impl LocalHistogram {
    fn new(bounds: &[f64], per_value: f64) -> LocalHistogram {
        let units: Vec<u64> = bounds.iter().map(|bound| (bound * per_value).round() as u64).collect();
        LocalHistogram { shards: Arc::new(sharded::Histogram::new(&units)), bounds: bounds.into(), per_value }
    }

    fn observe_duration(&self, took: Duration) {
        self.shards.observe(u64::try_from(took.as_nanos()).unwrap_or(u64::MAX));
    }

    fn observe(&self, units: u64) {
        self.shards.observe(units);
    }
}

impl TypedMetric for LocalHistogram {
    const TYPE: MetricType = MetricType::Histogram;
}

impl EncodeMetric for LocalHistogram {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        let now = self.shards.snapshot();
        // The last bucket's bound is prometheus-client's mark for +Inf.
        let buckets: Vec<(f64, u64)> =
            self.bounds.iter().copied().chain(std::iter::once(f64::MAX)).zip(now.buckets.iter().copied()).collect();
        encoder.encode_histogram::<NoLabelSet>(now.sum as f64 / self.per_value, now.count(), &buckets, None)
    }

    fn metric_type(&self) -> MetricType {
        Self::TYPE
    }
}

/// Distinct operation names kept as labels; later ones count as `other`.
const MAX_OPERATIONS: usize = 200;

fn seconds() -> LocalHistogram {
    LocalHistogram::new(&[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0], 1e9)
}

fn batch_sizes() -> LocalHistogram {
    LocalHistogram::new(&[1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0], 1.0)
}

/// A family of [`LocalHistogram`]s, each made by a function.
type Histograms<L> = Family<L, LocalHistogram, fn() -> LocalHistogram>;

/// DataLoader batches of every server in the process: the loaders report to one place (a function set once).
static BATCHES: LazyLock<Histograms<LoaderLabel>> = LazyLock::new(|| {
    hrc_schema::loaders::observe_batches(|loader, size| {
        BATCHES.get_or_create(&LoaderLabel { loader: loader.to_owned() }).observe(size as u64);
    });
    Family::new_with_constructor(batch_sizes as _)
});

/// A route's latency, and its request counters by method and status.
type RouteHandles = (LocalHistogram, Vec<(&'static str, u16, LocalCounter)>);

/// The series handles one thread has used, for one instance of [`Metrics`] (a worker serves one server, so one
/// instance): found by route or operation name in a map of the thread's own, with no lock shared with the other
/// workers (a read lock is a shared atomic too).
struct ThreadHandles {
    instance: u64,
    /// By route pattern: its latency, and its request counters by method and status (a few each).
    routes: foldhash::HashMap<String, RouteHandles>,
    /// By operation name: only names that have a series of their own (at most [`MAX_OPERATIONS`]).
    operations: foldhash::HashMap<String, LocalHistogram>,
}

thread_local! {
    static HANDLES: RefCell<Option<ThreadHandles>> = const { RefCell::new(None) };
}

/// Numbers each [`Metrics`], for the threads' handles.
static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(0);

/// Runs `f` on this thread's handles for `instance`, made anew if they were another instance's.
fn with_handles<T>(instance: u64, f: impl FnOnce(&mut ThreadHandles) -> T) -> T {
    HANDLES.with_borrow_mut(|handles| {
        let handles = match handles {
            Some(handles) if handles.instance == instance => handles,
            _ => handles.insert(ThreadHandles { instance, routes: Default::default(), operations: Default::default() }),
        };
        f(handles)
    })
}

type PoolState = Box<dyn Fn() -> (u32, u32, u32) + Send + Sync>;

/// One server's metrics.
pub struct Metrics {
    registry: Registry,
    /// This instance's number, for the threads' handles on its series ([`ThreadHandles`]).
    instance: u64,
    http: Family<HttpLabels, LocalCounter>,
    http_seconds: Histograms<RouteLabel>,
    operations: Histograms<OperationLabel>,
    /// The operation names with a series of their own (at most [`MAX_OPERATIONS`]), and the series of the unnamed
    /// and of the rest. Each thread keeps handles on those it used; this is where it finds a name new to it.
    operation_series: RwLock<foldhash::HashMap<String, LocalHistogram>>,
    anonymous: OnceLock<LocalHistogram>,
    other_operations: OnceLock<LocalHistogram>,
    errors: Family<CodeLabel, Counter>,
    pool_connections: Family<PoolLabels, Gauge>,
    pool_max: Family<PoolLabel, Gauge>,
    statements: Counter,
    statements_seen: AtomicU64,
    statements_kept: Counter,
    statements_kept_seen: AtomicU64,
    cache: Family<CacheLabel, Counter>,
    cache_seen: [AtomicU64; 2],
    checks_reused: Counter,
    checks_reused_seen: AtomicU64,
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
        let http = Family::<HttpLabels, LocalCounter>::default();
        let http_seconds = Histograms::<RouteLabel>::new_with_constructor(seconds as _);
        let operations = Histograms::<OperationLabel>::new_with_constructor(seconds as _);
        let errors = Family::<CodeLabel, Counter>::default();
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        let pool_max = Family::<PoolLabel, Gauge>::default();
        let statements = Counter::default();
        let statements_kept = Counter::default();
        let cache = Family::<CacheLabel, Counter>::default();
        let checks_reused = Counter::default();
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
            "graphql_checks_reused",
            "GraphQL requests run without the document checks, the same request having passed them before",
            checks_reused.clone(),
        );
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
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
            http,
            http_seconds,
            operations,
            operation_series: RwLock::default(),
            anonymous: OnceLock::new(),
            other_operations: OnceLock::new(),
            errors,
            pool_connections,
            pool_max,
            statements,
            statements_seen: AtomicU64::new(statements_now),
            statements_kept,
            statements_kept_seen: AtomicU64::new(kept_now),
            cache,
            cache_seen: [AtomicU64::new(0), AtomicU64::new(0)],
            checks_reused,
            checks_reused_seen: AtomicU64::new(0),
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
        with_handles(self.instance, |handles| {
            let (seconds, counters) = match handles.routes.get_mut(route) {
                Some(series) => series,
                None => handles.routes.entry(route.to_owned()).or_insert_with(|| {
                    (self.http_seconds.get_or_create(&RouteLabel { route: route.to_owned() }).clone(), Vec::new())
                }),
            };
            match counters.iter().find(|(m, s, _)| *m == method && *s == status) {
                Some((_, _, counter)) => counter.inc(),
                None => {
                    let labels = HttpLabels { method: method.to_owned(), route: route.to_owned(), status };
                    let counter = self.http.get_or_create(&labels).clone();
                    counter.inc();
                    counters.push((method, status, counter));
                }
            }
            seconds.observe_duration(took);
        });
    }

    /// One GraphQL request done, under its operation name.
    pub fn operation(&self, name: Option<&str>, took: Duration) {
        let series = |name: &str| self.operations.get_or_create(&OperationLabel { operation: name.to_owned() }).clone();
        let histogram = match name {
            None => self.anonymous.get_or_init(|| series("anonymous")),
            Some(name) if is_name(name) => {
                // Observed where it is found: a clone of the handle would count references on a shared line.
                let observed = with_handles(self.instance, |handles| match handles.operations.get(name) {
                    Some(histogram) => {
                        histogram.observe_duration(took);
                        true
                    }
                    None => false,
                });
                if observed {
                    return;
                }
                let mut named = self.operation_series.write().unwrap_or_else(|e| e.into_inner());
                if named.len() < MAX_OPERATIONS || named.contains_key(name) {
                    let histogram = named.entry(name.to_owned()).or_insert_with(|| series(name)).clone();
                    drop(named);
                    histogram.observe_duration(took);
                    with_handles(self.instance, |handles| handles.operations.insert(name.to_owned(), histogram));
                    return;
                }
                drop(named);
                self.other_operations.get_or_init(|| series("other"))
            }
            Some(_) => self.other_operations.get_or_init(|| series("other")),
        };
        histogram.observe_duration(took);
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
        advance(&self.checks_reused, &self.checks_reused_seen, schema.checks_reused());
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
    use prometheus_client::metrics::histogram::Histogram;

    fn encoded(name: &str, metric: impl EncodeMetric + Send + Sync + std::fmt::Debug + 'static) -> String {
        let mut registry = Registry::default();
        registry.register(name, "help", metric);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
        text
    }

    #[test]
    fn a_sharded_histogram_reads_as_prometheus_clients_own() {
        let bounds = [0.0005, 0.001, 0.25, 1.0, 2.5];
        let theirs = Histogram::new(bounds);
        let ours = LocalHistogram::new(&bounds, 1e9);
        // Values exact in binary and in nanoseconds, so that both sums are the same number; one on a bound, one
        // above every bound.
        for seconds in [0.25, 0.5, 0.0, 2.0, 1.0, 4.0, 0.25] {
            theirs.observe(seconds);
            ours.observe_duration(Duration::from_secs_f64(seconds));
        }
        assert_eq!(encoded("latency", ours), encoded("latency", theirs));
    }

    #[test]
    fn a_sharded_counter_reads_as_prometheus_clients_own() {
        let theirs = Counter::<u64>::default();
        let ours = LocalCounter::default();
        for _ in 0..7 {
            theirs.inc();
            ours.inc();
        }
        assert_eq!(encoded("requests", ours), encoded("requests", theirs));
    }

    #[test]
    fn each_instance_counts_its_own_requests_on_the_same_thread() {
        let ((first, _first_dir), (second, _second_dir)) = (test_metrics(), test_metrics());
        for _ in 0..3 {
            first.request("GET", "/health/live", 200, Duration::from_millis(1));
        }
        // The thread's handles go to the second instance, then back to the first: nothing is counted twice or lost.
        second.request("GET", "/health/live", 200, Duration::from_millis(1));
        first.request("GET", "/health/live", 200, Duration::from_millis(1));
        first.request("POST", "/graphql", 400, Duration::from_millis(1));
        let count = |metrics: &Metrics, labels: &HttpLabels| metrics.http.get_or_create(labels).0.get();
        let live = HttpLabels { method: "GET".into(), route: "/health/live".into(), status: 200 };
        let graphql = HttpLabels { method: "POST".into(), route: "/graphql".into(), status: 400 };
        assert_eq!(count(&first, &live), 4);
        assert_eq!(count(&second, &live), 1);
        assert_eq!(count(&first, &graphql), 1);
        assert_eq!(count(&second, &graphql), 0);
        let seconds = |metrics: &Metrics, route: &str| {
            metrics.http_seconds.get_or_create(&RouteLabel { route: route.into() }).shards.snapshot().count()
        };
        assert_eq!(seconds(&first, "/health/live"), 4);
        assert_eq!(seconds(&second, "/health/live"), 1);
    }

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
        let named = metrics.operation_series.read().unwrap().len();
        assert_eq!(named, MAX_OPERATIONS);
        let total: u64 = names
            .iter()
            .map(String::as_str)
            .chain(["other"])
            .map(|name| {
                metrics.operations.get_or_create(&OperationLabel { operation: name.into() }).shards.snapshot().count()
            })
            .sum();
        // Every observation is somewhere. (Reading a name past the limit with `get_or_create` makes it an empty
        // series of its own here, which adds nothing.)
        assert_eq!(total, 3 * names.len() as u64);
        let other = metrics.operations.get_or_create(&OperationLabel { operation: "other".into() });
        assert_eq!(other.shards.snapshot().count(), 3 * 5);
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
}
