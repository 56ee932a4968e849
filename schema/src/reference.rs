//! The reference data in memory: countries, mechanisms, thesaurus terms and SDG targets, and the mandates' holders.
//!
//! Nearly every page shows some of them beside its own rows (a recommendation's mechanism, themes and SDG targets; a
//! visit's country; a mandate's holders), and they are small and seldom change: some 250 countries, a few dozen
//! mechanisms, a thesaurus of a few hundred terms, 169 targets, some eighty mandates and their holders. Read from the database for each request, they were a statement each and a
//! good part of a page's decoding. Here they are read once, then served from memory until data changes:
//!
//! - a mutation on this node empties the cache before its answer is sent, so that a caller reads its own change;
//! - a change announced by another node or by `hrc-api` (PostgreSQL's events) empties it when heard, as for the
//!   cache of public answers;
//! - in any case a copy is read anew after its time to live (`HRC_REFERENCE_CACHE_SECONDS`), for the changes that
//!   no event announces (on SQLite, another process's; a node that missed an event).
//!
//! A row the copy does not hold (one created since it was read) is read from the database, so a new row is never
//! missed; only a change to a held row can be served late, within those bounds. The data is public reference data
//! that every role may read: the cache changes nothing in who sees what.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use hrc_db::models::{Country, MandateHolder, Mechanism, ReferenceRows, SdgTarget, ThesaurusTerm};
use hrc_db::DbConnection;

/// A table larger than this is not copied (the copy would cost more memory than its reads save).
const MOST_ROWS: usize = 20_000;

/// One copy of the reference tables, by row id.
#[derive(Debug, Default)]
pub struct Snapshot {
    countries: HashMap<i64, Arc<Country>>,
    country_by_iso: HashMap<String, i64>,
    mechanisms: HashMap<i64, Arc<Mechanism>>,
    terms: HashMap<i64, Arc<ThesaurusTerm>>,
    sdg_targets: HashMap<i64, Arc<SdgTarget>>,
    /// Each mandate's holders (none for a mandate that has none), in `MandateHolder::of_mandates`'s order.
    holders: HashMap<i64, Vec<MandateHolder>>,
}

impl Snapshot {
    fn new(rows: ReferenceRows) -> Snapshot {
        Snapshot {
            country_by_iso: rows.countries.iter().map(|c| (c.iso3.clone(), c.id)).collect(),
            countries: rows.countries.into_iter().map(|c| (c.id, Arc::new(c))).collect(),
            mechanisms: rows.mechanisms.into_iter().map(|m| (m.id, Arc::new(m))).collect(),
            terms: rows.terms.into_iter().map(|t| (t.id, Arc::new(t))).collect(),
            sdg_targets: rows.sdg_targets.into_iter().map(|t| (t.id, Arc::new(t))).collect(),
            holders: {
                let mut holders: HashMap<i64, Vec<MandateHolder>> =
                    rows.mandate_ids.into_iter().map(|id| (id, Vec::new())).collect();
                for holder in rows.holders {
                    holders.entry(holder.mandate_id).or_default().push(holder);
                }
                holders
            },
        }
    }

    /// A mandate's holders; `None` for a mandate the copy does not know (one created since it was read).
    pub fn holders_of(&self, mandate_id: i64) -> Option<&[MandateHolder]> {
        self.holders.get(&mandate_id).map(Vec::as_slice)
    }

    pub fn country(&self, id: i64) -> Option<&Arc<Country>> {
        self.countries.get(&id)
    }

    /// A country by its ISO 3166-1 alpha-3 code, upper case.
    pub fn country_by_iso(&self, iso3: &str) -> Option<&Arc<Country>> {
        self.country_by_iso.get(iso3).and_then(|id| self.countries.get(id))
    }

    pub fn mechanism(&self, id: i64) -> Option<&Arc<Mechanism>> {
        self.mechanisms.get(&id)
    }

    pub fn term(&self, id: i64) -> Option<&Arc<ThesaurusTerm>> {
        self.terms.get(&id)
    }

    pub fn sdg_target(&self, id: i64) -> Option<&Arc<SdgTarget>> {
        self.sdg_targets.get(&id)
    }
}

/// The process's copy of the reference tables, shared by its requests.
#[derive(Debug)]
pub struct ReferenceCache {
    /// How long a copy serves; zero turns the cache off.
    ttl: Duration,
    held: RwLock<Option<(Arc<Snapshot>, Instant)>>,
    /// Moves on at each change: a copy read while it moved is used by its request but not kept.
    generation: AtomicU64,
    loads: AtomicU64,
}

impl ReferenceCache {
    pub fn new(ttl: Duration) -> ReferenceCache {
        ReferenceCache { ttl, held: RwLock::new(None), generation: AtomicU64::new(0), loads: AtomicU64::new(0) }
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// The copy held, if it is still within its time to live.
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        held.as_ref().filter(|(_, read_at)| read_at.elapsed() < self.ttl).map(|(snapshot, _)| snapshot.clone())
    }

    /// The copy held, else a new one read on `conn` (and kept, unless data changed while it was read); `None` when
    /// the cache is off or a table is too large to copy.
    pub fn get_or_load(&self, conn: &mut DbConnection) -> hrc_db::QueryResult<Option<Arc<Snapshot>>> {
        if !self.enabled() {
            return Ok(None);
        }
        if let Some(snapshot) = self.current() {
            return Ok(Some(snapshot));
        }
        let generation = self.generation.load(Ordering::Acquire);
        let started = Instant::now();
        let Some(rows) = ReferenceRows::load(conn, MOST_ROWS)? else { return Ok(None) };
        self.loads.fetch_add(1, Ordering::Relaxed);
        let snapshot = Arc::new(Snapshot::new(rows));
        self.keep(generation, snapshot.clone(), started);
        Ok(Some(snapshot))
    }

    /// Keeps a copy whose reading began at `read_at`, in `generation`, unless data changed since; whether it was kept.
    fn keep(&self, generation: u64, snapshot: Arc<Snapshot>, read_at: Instant) -> bool {
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        let unchanged = self.generation.load(Ordering::Acquire) == generation;
        if unchanged {
            *held = Some((snapshot, read_at));
        }
        unchanged
    }

    /// Data changed: the copy goes, and one being read now will not be kept.
    pub fn invalidate(&self) {
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        *held = None;
    }

    /// How many copies were read from the database so far.
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    /// Empties the cache when this node's events say data changed elsewhere (another node, `hrc-api`, or while the
    /// listener was away), or when some were missed. This node's own mutations empty it when they end.
    pub fn follow(self: &Arc<Self>, events: &crate::events::Events) {
        events.on_changes_elsewhere(self, ReferenceCache::invalidate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalidation_during_a_load_keeps_the_copy_out() {
        let cache = ReferenceCache::new(Duration::from_secs(60));
        // As `get_or_load` does: the generation is read before the rows, and checked when the copy is kept.
        let generation = cache.generation.load(Ordering::Acquire);
        cache.invalidate();
        assert!(!cache.keep(generation, Arc::new(Snapshot::default()), Instant::now()));
        assert!(cache.current().is_none());
        let generation = cache.generation.load(Ordering::Acquire);
        assert!(cache.keep(generation, Arc::new(Snapshot::default()), Instant::now()));
        assert!(cache.current().is_some());
        cache.invalidate();
        assert!(cache.current().is_none());
    }

    #[test]
    fn a_copy_past_its_time_to_live_is_not_served() {
        let cache = ReferenceCache::new(Duration::from_millis(1));
        assert!(cache.keep(0, Arc::new(Snapshot::default()), Instant::now()));
        std::thread::sleep(Duration::from_millis(5));
        assert!(cache.current().is_none());
        let off = ReferenceCache::new(Duration::ZERO);
        assert!(!off.enabled());
    }
}
