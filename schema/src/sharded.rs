//! Counts that every worker adds to with every request, each thread on a cache line of its own.
//!
//! One atomic counter that all the workers add to is one cache line, and each core must take it from the other
//! before it adds: under load every add waits for the line to cross between cores. A lock around a histogram is the
//! same, twice. Here each thread adds to its own shard, which no other thread writes while there are no more
//! threads than shards, and a reader sums the shards. Every add is still atomic, so a count is exact whatever the
//! number of threads. Only the speed depends on each thread having a shard to itself.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crossbeam_utils::CachePadded;

/// Shards per count. Threads beyond this many share shards: still exact, only slower.
pub const SHARDS: usize = 16;

/// The most buckets a [`Histogram`] has, its last (everything above the highest bound) included.
pub const MAX_BUCKETS: usize = 16;

static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's shard, given out in turn as threads first count.
    static SHARD: usize = NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS;
}

fn shard() -> usize {
    SHARD.with(|shard| *shard)
}

/// A count that only goes up.
pub struct Counter {
    shards: Box<[CachePadded<AtomicU64>]>,
}

impl Counter {
    pub fn new() -> Counter {
        Counter { shards: (0..SHARDS).map(|_| CachePadded::new(AtomicU64::new(0))).collect() }
    }

    pub fn add(&self, n: u64) {
        self.shards[shard()].fetch_add(n, Ordering::Relaxed);
    }

    pub fn inc(&self) {
        self.add(1);
    }

    /// The count: the sum of the shards.
    pub fn get(&self) -> u64 {
        self.shards.iter().map(|shard| shard.load(Ordering::Relaxed)).sum()
    }
}

impl Default for Counter {
    fn default() -> Self {
        Counter::new()
    }
}

impl std::fmt::Debug for Counter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Counter").field(&self.get()).finish()
    }
}

struct HistogramShard {
    sum: AtomicU64,
    buckets: [AtomicU64; MAX_BUCKETS],
}

/// How many observations fell in each bucket, and their sum, for observations counted in whole units (nanoseconds,
/// keys).
pub struct Histogram {
    /// Each bucket's highest value, lowest first; the bucket after the last holds the rest.
    bounds: Box<[u64]>,
    shards: Box<[CachePadded<HistogramShard>]>,
}

/// What a [`Histogram`] holds at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The sum of the observations, in their unit.
    pub sum: u64,
    /// How many observations fell in each bucket (not cumulative), the last bucket being everything above the highest
    /// bound.
    pub buckets: Vec<u64>,
}

impl Snapshot {
    /// How many observations there were: the buckets' total, so that it always agrees with them.
    pub fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }
}

impl Histogram {
    /// A histogram with these bucket bounds, lowest first (each bucket holds the values up to and including its
    /// bound). At most `MAX_BUCKETS - 1` bounds.
    pub fn new(bounds: &[u64]) -> Histogram {
        assert!(bounds.len() < MAX_BUCKETS, "a histogram has at most {} bounds", MAX_BUCKETS - 1);
        assert!(bounds.windows(2).all(|pair| pair[0] < pair[1]), "the bounds go up");
        Histogram {
            bounds: bounds.into(),
            shards: (0..SHARDS)
                .map(|_| {
                    CachePadded::new(HistogramShard {
                        sum: AtomicU64::new(0),
                        buckets: std::array::from_fn(|_| AtomicU64::new(0)),
                    })
                })
                .collect(),
        }
    }

    pub fn observe(&self, value: u64) {
        let shard = &self.shards[shard()];
        let bucket = self.bounds.iter().position(|bound| value <= *bound).unwrap_or(self.bounds.len());
        shard.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        shard.sum.fetch_add(value, Ordering::Relaxed);
    }

    /// The sum and the buckets now, over every shard.
    pub fn snapshot(&self) -> Snapshot {
        let mut buckets = vec![0; self.bounds.len() + 1];
        let mut sum = 0u64;
        for shard in self.shards.iter() {
            sum = sum.wrapping_add(shard.sum.load(Ordering::Relaxed));
            for (total, bucket) in buckets.iter_mut().zip(shard.buckets.iter()) {
                *total += bucket.load(Ordering::Relaxed);
            }
        }
        Snapshot { sum, buckets }
    }
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Histogram").field("bounds", &self.bounds).field("now", &self.snapshot()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_counts_every_add_of_every_thread() {
        let counter = std::sync::Arc::new(Counter::new());
        // More threads than shards: some share one, and not one add may be lost.
        let threads: Vec<_> = (0..SHARDS * 2)
            .map(|_| {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        counter.inc();
                    }
                    counter.add(5);
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(counter.get(), (SHARDS as u64 * 2) * 1005);
    }

    #[test]
    fn a_histogram_puts_each_value_in_the_first_bucket_whose_bound_holds_it() {
        let histogram = Histogram::new(&[10, 100]);
        for value in [0, 10, 11, 100, 101, 5_000] {
            histogram.observe(value);
        }
        let now = histogram.snapshot();
        assert_eq!(now.buckets, vec![2, 2, 2]);
        assert_eq!(now.sum, 10 + 11 + 100 + 101 + 5_000);
        assert_eq!(now.count(), 6);
    }

    #[test]
    fn a_histogram_sums_the_observations_of_every_thread() {
        let histogram = std::sync::Arc::new(Histogram::new(&[1, 2, 3]));
        let threads: Vec<_> = (0..SHARDS + 3)
            .map(|i| {
                let histogram = histogram.clone();
                std::thread::spawn(move || {
                    for _ in 0..100 {
                        histogram.observe(i as u64 % 5);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let now = histogram.snapshot();
        assert_eq!(now.count(), (SHARDS as u64 + 3) * 100);
        let expected_sum: u64 = (0..SHARDS as u64 + 3).map(|i| i % 5 * 100).sum();
        assert_eq!(now.sum, expected_sum);
        // Values 0 and 1 in the first bucket, 2 and 3 in theirs, 4 above them all.
        let per_value = |v: u64| (0..SHARDS as u64 + 3).filter(|i| i % 5 == v).count() as u64 * 100;
        assert_eq!(now.buckets, vec![per_value(0) + per_value(1), per_value(2), per_value(3), per_value(4)]);
    }

    #[test]
    #[should_panic(expected = "the bounds go up")]
    fn bounds_out_of_order_are_refused() {
        Histogram::new(&[5, 1]);
    }
}
