//! Counts of recommendations in memory: the answers of `recommendationCounts` and of a list's `totalCount` and
//! `countUpTo`.
//!
//! A dashboard shows the same few counts to every visitor (recommendations by implementation status per regional
//! group; a country's by response; the number of matches of a search), and each is a scan of the table, or of an
//! index, however the data is laid out: a count is computed in PostgreSQL in time that grows with the rows counted
//! (2 ms for 10,000 recommendations by group and status; the same SQL PostGraphile runs). Yet the counts change only
//! when data does. Here each count is computed once, then served from memory until data changes, with the bounds of
//! the copy of the reference tables ([`crate::reference`]):
//!
//! - a mutation on this node empties the cache before its answer is sent, so that a caller reads its own change;
//! - a change announced by another node or by `hrc-api` (PostgreSQL's events) empties it when heard;
//! - in any case a count is computed anew after its time to live (`HRC_COUNT_CACHE_SECONDS`), for the changes that
//!   no event announces (on SQLite, another process's; a node that missed an event).
//!
//! A count computed while data changed (the generation moved during it) is used by its request but not kept.
//! Recommendations are public data that every role reads alike, so a count is the same for every caller and the
//! cache changes nothing in who sees what. Keys are the filters themselves, compared in full (not hashes of them).
//!
//! With a read replica (`DATABASE_READ_URL`), counts read from it are kept apart from counts read from the primary:
//! a signed-in caller, who reads the primary so as to see its own writes at once, never gets a count from the
//! replica, which may lag. And a count read from the replica is not kept within [`REPLICA_SETTLING`] of a change, so
//! that one read before the replica replayed the change is not served for a whole time to live.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::types::stats::RecommendationCount;

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

/// The process's counts, shared by its requests.
pub struct CountCache {
    /// By the database read (true: a read replica) and what was counted.
    cache: Option<moka::sync::Cache<(bool, CountKey), Counted>>,
    /// Moves on at each change: a count computed while it moved is used by its request but not kept.
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
            moka::sync::Cache::builder()
                .weigher(|_: &(bool, CountKey), counted: &Counted| match counted {
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

    /// The count kept under `key` from the primary (`replica` false) or a read replica, counting the hit or the miss.
    pub fn get(&self, replica: bool, key: CountKey) -> Option<Counted> {
        let cache = self.cache.as_ref()?;
        let found = cache.get(&(replica, key));
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// The generation now: a count computed from now on may be kept if it is still this after.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a count computed during `generation` on the primary (`replica` false) or a read replica, unless data
    /// changed meanwhile or, read from a replica, changed too recently; whether it was kept.
    pub fn insert(&self, generation: u64, replica: bool, key: CountKey, counted: Counted) -> bool {
        let Some(cache) = &self.cache else { return false };
        if self.generation() != generation || (replica && self.since_change() < REPLICA_SETTLING) {
            return false;
        }
        let key = (replica, key);
        cache.insert(key.clone(), counted);
        // An invalidation between the check and the insert may have emptied the cache before this entry went in:
        // take it out again.
        if self.generation() != generation {
            cache.invalidate(&key);
            return false;
        }
        true
    }

    /// Data changed: every count goes, and one being computed now will not be kept.
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

/// A count through the request's cache: the one kept under `key`, else `compute`'s on the database, kept unless data
/// changed meanwhile. Without a cache (the complaint schema, the command line) it is computed.
pub(crate) async fn cached<T: Send + 'static>(
    ctx: &async_graphql::Context<'_>,
    key: CountKey,
    unwrap: impl Fn(Counted) -> Option<T>,
    wrap: impl FnOnce(&T) -> Counted,
    compute: impl std::future::Future<Output = Result<T, crate::error::ApiError>>,
) -> Result<T, crate::error::ApiError> {
    let Some(cache) = ctx.data_opt::<Arc<CountCache>>().filter(|c| c.enabled()) else { return compute.await };
    // The request's database: the primary, or a read replica for a public read.
    let replica = ctx.data_opt::<hrc_db::Database>().is_some_and(|db| db.is_replica());
    if let Some(found) = cache.get(replica, key.clone()).and_then(unwrap) {
        return Ok(found);
    }
    let generation = cache.generation();
    let value = compute.await?;
    cache.insert(generation, replica, key, wrap(&value));
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_computed_during_a_change_is_not_kept() {
        let cache = CountCache::new(Duration::from_secs(60));
        let key = CountKey::Total("filter".into());
        let generation = cache.generation();
        cache.invalidate();
        assert!(!cache.insert(generation, false, key.clone(), Counted::One(3)));
        assert!(cache.get(false, key.clone()).is_none());
        assert!(cache.insert(cache.generation(), false, key.clone(), Counted::One(4)));
        assert!(matches!(cache.get(false, key.clone()), Some(Counted::One(4))));
        cache.invalidate();
        assert!(cache.get(false, key).is_none());
        assert_eq!(cache.counts(), (1, 2));
    }

    #[test]
    fn keys_differ_by_kind_filter_limit_and_database() {
        let cache = CountCache::new(Duration::from_secs(60));
        assert!(cache.insert(0, false, CountKey::UpTo("a".into(), 1001), Counted::One(1001)));
        assert!(cache.get(false, CountKey::UpTo("a".into(), 11)).is_none());
        assert!(cache.get(false, CountKey::Total("a".into())).is_none());
        assert!(cache.get(false, CountKey::UpTo("b".into(), 1001)).is_none());
        assert!(cache.get(true, CountKey::UpTo("a".into(), 1001)).is_none(), "the replica's counts are apart");
        assert!(cache.get(false, CountKey::UpTo("a".into(), 1001)).is_some());
    }

    #[test]
    fn a_replica_s_count_is_not_kept_just_after_a_change() {
        let mut cache = CountCache::new(Duration::from_secs(60));
        // As if the server had started ten seconds ago.
        cache.started = Instant::now().checked_sub(Duration::from_secs(10)).expect("the clock is past ten seconds");
        let key = CountKey::Total("a".into());
        // No change yet: kept.
        assert!(cache.insert(0, true, key.clone(), Counted::One(1)));
        cache.invalidate();
        let generation = cache.generation();
        // Just after a change, the replica may not have replayed it: not kept; the primary's is.
        assert!(!cache.insert(generation, true, key.clone(), Counted::One(1)));
        assert!(cache.insert(generation, false, key.clone(), Counted::One(2)));
        assert!(cache.get(true, key.clone()).is_none());
        // A change ten seconds old is past the settling time: the replica's counts are kept again.
        cache.changed_at.store(1, Ordering::Release);
        assert!(cache.insert(generation, true, key.clone(), Counted::One(2)));
        assert!(matches!(cache.get(true, key), Some(Counted::One(2))));
    }

    #[test]
    fn a_zero_time_to_live_turns_the_cache_off() {
        let cache = CountCache::new(Duration::ZERO);
        assert!(!cache.enabled());
        assert!(!cache.insert(0, false, CountKey::Total("a".into()), Counted::One(1)));
        assert!(cache.get(false, CountKey::Total("a".into())).is_none());
    }
}
