//! Counts of recommendations in memory: the answers of `recommendationCounts` and of a list's `totalCount` and
//! `countUpTo`.
//!
//! A dashboard shows the same few counts to every visitor (recommendations by implementation status per regional
//! group; a country's by response; the number of matches of a search), and each is a scan of the table, or of an
//! index, however the data is laid out: a count is computed in PostgreSQL in time that grows with the rows counted
//! (2 ms for 10,000 recommendations by group and status; the same SQL PostGraphile runs). Yet the counts change only
//! when data does. Here each count is computed once, then served from memory until data changes, with the bounds of
//! the copy of the reference tables ([`crate::cache::reference`]):
//!
//! - a mutation on this node empties the cache before its answer is sent, so that a caller reads its own change;
//! - a change announced by another node or by `hrc-api` (PostgreSQL's events) empties it when heard;
//! - in any case a count is computed anew after its time to live (`HRC_COUNT_CACHE_SECONDS`), for the changes that
//!   no event announces (on SQLite, another process's; a node that missed an event).
//!
//! A count is kept under the generation of the data it was read in, which each change moves on: a count read while
//! data changed is used by the requests that asked for it, and never found again. Concurrent requests for the same
//! count wait for one computation.
//! Recommendations are public data that every role reads alike, so a count is the same for every caller and the
//! cache changes nothing in who sees what. Keys are the filters themselves, compared in full (not hashes of them).
//!
//! With a read replica (`DATABASE_READ_URL`), counts read from it are kept apart from counts read from the primary:
//! a signed-in caller, who reads the primary so as to see its own writes at once, never gets a count from the
//! replica, which may lag. And a count read from the replica within [`REPLICA_SETTLING`] of a change is not kept,
//! so that one read before the replica replayed the change is not served for a whole time to live.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::recommendation::stats::RecommendationCount;

/// The most weight the cache holds: a count weighs one, a list of buckets one per bucket, so at most some ten
/// megabytes.
const CAPACITY: u64 = 100_000;

/// How long after a change a count read from a read replica is not kept: longer than a healthy replica's lag.
pub const REPLICA_SETTLING: Duration = Duration::from_secs(5);

/// What was counted: the kind of count and the filter, written out in full.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CountKey {
    /// `recommendationCounts`: the dimensions, whether labels were read, and the filter as given.
    Buckets(String),
    /// A list's exact `totalCount`, by its resolved filter.
    Total(String),
    /// A list's `countUpTo`, by its resolved filter and the limit read to.
    UpTo(String, i64),
}

/// A count kept.
#[derive(Clone)]
pub enum Counted {
    One(i64),
    Buckets(Arc<Vec<RecommendationCount>>),
}

/// Where a count was read and what was counted, in the generation of the data it was read in: a change moves the
/// generation on, so that no count read before it is found again, however late its reading ends.
type Slot = (u64, bool, CountKey);

/// The process's counts, shared by its requests.
pub struct CountCache {
    /// By generation, database read (true: a read replica) and what was counted.
    cache: Option<moka::future::Cache<Slot, Counted>>,
    /// Moves on at each change.
    generation: AtomicU64,
    /// When the cache was made, and the last change, in milliseconds since then.
    started: Instant,
    changed_at: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl CountCache {
    /// A cache whose counts serve `ttl` at most; zero turns it off.
    pub fn new(ttl: Duration) -> CountCache {
        let cache = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .weigher(|_: &Slot, counted: &Counted| match counted {
                    Counted::One(_) => 1,
                    Counted::Buckets(buckets) => u32::try_from(buckets.len()).unwrap_or(u32::MAX).max(1),
                })
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build()
        });
        CountCache {
            cache,
            generation: AtomicU64::new(0),
            started: Instant::now(),
            changed_at: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.cache.is_some()
    }

    /// The count under `key`, read on the primary (`replica` false) or a read replica: the one kept, else `compute`'s,
    /// kept for the requests that follow. Requests that ask for the same count while it is computed wait for that one
    /// computation rather than each starting their own (a cold cache under load would otherwise run the same count
    /// once per waiting request). Read from a replica within [`REPLICA_SETTLING`] of a change, a count is computed and
    /// not kept.
    pub async fn get_or_compute(
        &self,
        replica: bool,
        key: CountKey,
        compute: impl std::future::Future<Output = Result<Counted, crate::support::error::ApiError>>,
    ) -> Result<Counted, crate::support::error::ApiError> {
        let Some(cache) = &self.cache else { return compute.await };
        if replica && self.since_change() < REPLICA_SETTLING {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return compute.await;
        }
        let mut computed = false;
        let counting = async {
            computed = true;
            compute.await
        };
        let found = cache.try_get_with((self.generation(), replica, key), counting).await;
        let counter = if computed { &self.misses } else { &self.hits };
        counter.fetch_add(1, Ordering::Relaxed);
        found.map_err(|e| (*e).clone())
    }

    /// The generation now.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Data changed: no count read before now is found again.
    pub fn invalidate(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.changed_at.store(now.max(1), Ordering::Release);
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(cache) = &self.cache {
            cache.invalidate_all();
        }
    }

    /// How long since the last change (a long time when there was none).
    fn since_change(&self) -> Duration {
        match self.changed_at.load(Ordering::Acquire) {
            0 => Duration::MAX,
            at => self.started.elapsed().saturating_sub(Duration::from_millis(at)),
        }
    }

    /// Hits and misses so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// Empties the cache when this node's events say data changed elsewhere (another node, `hrc-api`, or while the
    /// listener was away), or when some were missed. This node's own mutations empty it when they end.
    pub fn follow(self: &Arc<Self>, events: &crate::events::Events) {
        events.on_changes_elsewhere(self, CountCache::invalidate);
    }
}

impl std::fmt::Debug for CountCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountCache").field("enabled", &self.enabled()).field("counts", &self.counts()).finish()
    }
}

/// A count through the request's cache (see [`CountCache::get_or_compute`]); without one (the command line) it is
/// computed.
///
/// Boxed: the cache's lookup is a future of some 20 kB, and unboxed it made every future that may count as large,
/// up to the root query's, which each request allocates and moves for each root field (BENCHMARKS.md).
pub(crate) fn cached<'a, T: Send + 'a>(
    ctx: &'a async_graphql::Context<'_>,
    key: CountKey,
    unwrap: impl Fn(Counted) -> Option<T> + Send + 'a,
    wrap: impl FnOnce(T) -> Counted + Send + 'a,
    compute: impl std::future::Future<Output = Result<T, crate::support::error::ApiError>> + Send + 'a,
) -> futures_util::future::BoxFuture<'a, Result<T, crate::support::error::ApiError>> {
    Box::pin(async move {
        let Some(cache) = ctx.data_opt::<Arc<CountCache>>().filter(|c| c.enabled()) else { return compute.await };
        // The request's database: the primary, or a read replica for a public read.
        let replica = crate::RequestData::of(ctx).is_some_and(|d| d.db.is_replica());
        let counted = cache.get_or_compute(replica, key, async { compute.await.map(wrap) }).await?;
        unwrap(counted).ok_or_else(|| {
            tracing::error!("a count was kept under a key of another kind");
            crate::support::error::ApiError::Internal
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::error::ApiError;

    async fn one(n: i64) -> Result<Counted, ApiError> {
        Ok(Counted::One(n))
    }

    async fn count(cache: &CountCache, replica: bool, key: &CountKey, n: i64) -> i64 {
        match cache.get_or_compute(replica, key.clone(), one(n)).await {
            Ok(Counted::One(n)) => n,
            _ => panic!("not a count"),
        }
    }

    #[tokio::test]
    async fn a_count_is_kept_until_data_changes() {
        let cache = CountCache::new(Duration::from_secs(60));
        let key = CountKey::Total("filter".into());
        assert_eq!(count(&cache, false, &key, 3).await, 3);
        assert_eq!(count(&cache, false, &key, 4).await, 3, "kept");
        cache.invalidate();
        assert_eq!(count(&cache, false, &key, 5).await, 5, "computed anew after a change");
        assert_eq!(cache.counts(), (1, 2));
    }

    #[tokio::test]
    async fn a_count_read_during_a_change_is_not_found_after_it() {
        let cache = Arc::new(CountCache::new(Duration::from_secs(60)));
        let key = CountKey::Total("filter".into());
        let (started, finish) = (tokio::sync::Notify::new(), tokio::sync::Notify::new());
        let slow = cache.get_or_compute(false, key.clone(), async {
            started.notify_one();
            finish.notified().await;
            Ok(Counted::One(1))
        });
        let change = async {
            started.notified().await;
            cache.invalidate();
            finish.notify_one();
        };
        let (old, ()) = tokio::join!(slow, change);
        assert!(matches!(old, Ok(Counted::One(1))), "its own request gets it");
        assert_eq!(count(&cache, false, &key, 2).await, 2, "read before the change: not found after it");
    }

    #[tokio::test]
    async fn concurrent_requests_for_a_count_wait_for_one_computation() {
        let cache = CountCache::new(Duration::from_secs(60));
        let key = CountKey::UpTo("filter".into(), 1001);
        let runs = AtomicU64::new(0);
        let request = || {
            cache.get_or_compute(false, key.clone(), async {
                runs.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok(Counted::One(7))
            })
        };
        let answers = futures_util::future::join_all((0..16).map(|_| request())).await;
        assert!(answers.iter().all(|a| matches!(a, Ok(Counted::One(7)))));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn keys_differ_by_kind_filter_limit_and_database() {
        let cache = CountCache::new(Duration::from_secs(60));
        assert_eq!(count(&cache, false, &CountKey::UpTo("a".into(), 1001), 1).await, 1);
        assert_eq!(count(&cache, false, &CountKey::UpTo("a".into(), 11), 2).await, 2);
        assert_eq!(count(&cache, false, &CountKey::Total("a".into()), 3).await, 3);
        assert_eq!(count(&cache, false, &CountKey::UpTo("b".into(), 1001), 4).await, 4);
        assert_eq!(count(&cache, true, &CountKey::UpTo("a".into(), 1001), 5).await, 5, "the replica's are apart");
        assert_eq!(count(&cache, false, &CountKey::UpTo("a".into(), 1001), 6).await, 1);
    }

    #[tokio::test]
    async fn a_replica_s_count_is_not_kept_just_after_a_change() {
        let mut cache = CountCache::new(Duration::from_secs(60));
        // As if the server had started ten seconds ago.
        cache.started = Instant::now().checked_sub(Duration::from_secs(10)).expect("the clock is past ten seconds");
        let key = CountKey::Total("a".into());
        cache.invalidate();
        // Just after a change, the replica may not have replayed it: not kept; the primary's is.
        assert_eq!(count(&cache, true, &key, 1).await, 1);
        assert_eq!(count(&cache, true, &key, 2).await, 2, "not kept");
        assert_eq!(count(&cache, false, &key, 3).await, 3);
        assert_eq!(count(&cache, false, &key, 4).await, 3, "kept");
        // A change ten seconds old is past the settling time: the replica's counts are kept again.
        cache.changed_at.store(1, Ordering::Release);
        assert_eq!(count(&cache, true, &key, 5).await, 5);
        assert_eq!(count(&cache, true, &key, 6).await, 5, "kept");
    }

    #[tokio::test]
    async fn a_zero_time_to_live_turns_the_cache_off() {
        let cache = CountCache::new(Duration::ZERO);
        assert!(!cache.enabled());
        let key = CountKey::Total("a".into());
        assert_eq!(count(&cache, false, &key, 1).await, 1);
        assert_eq!(count(&cache, false, &key, 2).await, 2);
    }
}
