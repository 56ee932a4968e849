//! The reference data in memory: countries, mechanisms, thesaurus terms and SDG targets, and the mandates and their
//! holders.
//!
//! Nearly every page shows some of them beside its own rows (a recommendation's mechanism, themes and SDG targets; a
//! visit's country; a mandate's holders), and they are small and seldom change: some 250 countries, a few dozen
//! mechanisms, a thesaurus of a few hundred terms, 169 targets, some eighty mandates and their holders. Read from the
//! database for each request, they were a statement each and a good part of a page's decoding. Here they are read
//! once, then served from memory until data changes:
//!
//! - a mutation on this node empties the cache before its answer is sent, so that a caller reads its own change;
//! - a change announced by another node or by `hrc-api` (PostgreSQL's events) empties it when heard, as for the
//!   cache of public answers;
//! - in any case a copy is read anew after its time to live (`HRC_REFERENCE_CACHE_SECONDS`), for the changes that
//!   no event announces (on SQLite, another process's; a node that missed an event).
//!
//! A row the copy does not hold (one created since it was read) is read from the database, so a new row is never
//! missed by a lookup; only a change to a held row can be served late, within those bounds. The list of mandates is
//! paged from the copy too (the same filters, orders and cursors as the SQL; a test compares the two), within the
//! same bounds. The data is public reference data that every role may read: the cache changes nothing in who sees
//! what.
//!
//! With a read replica (`DATABASE_READ_URL`), the copy read from it is kept apart from the one read from the primary,
//! as for the counts ([`crate::cache::counts`]): a signed-in caller, who reads the primary so as to see its own writes at
//! once, never gets the replica's. And a copy read from the replica within [`REPLICA_SETTLING`] of a change serves
//! only until that time is up, so that one read before the replica replayed the change is not served for a whole time
//! to live. Requests that find no copy wait for one reading of it, rather than each reading the tables.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use hrc_db::models::{
    Country, Mandate, MandateFilter, MandateHolder, Mechanism, Page, PageRequest, ReferenceRows, SdgTarget,
    ThesaurusTerm,
};
use hrc_db::DbConnection;

use crate::cache::counts::REPLICA_SETTLING;

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
    /// Every mandate, in id order.
    mandates: Vec<Mandate>,
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
                    rows.mandates.iter().map(|m| (m.id, Vec::new())).collect();
                for holder in rows.holders {
                    holders.entry(holder.mandate_id).or_default().push(holder);
                }
                holders
            },
            mandates: rows.mandates,
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

    /// A page of the mandates that pass `filter`, as `Mandate::page` reads it from the database.
    pub fn mandates_page(&self, filter: &MandateFilter, page: &PageRequest) -> Page<Mandate> {
        hrc_db::models::page::keyset_page_in_memory(
            self.mandates.iter().filter(|m| filter.matches(m)),
            |m| (m.updated_at, m.id),
            page,
        )
    }

    /// How many mandates pass `filter`, as `Mandate::count` counts them in the database.
    pub fn count_mandates(&self, filter: &MandateFilter) -> i64 {
        let n = self.mandates.iter().filter(|m| filter.matches(m)).count();
        i64::try_from(n).unwrap_or(i64::MAX)
    }
}

/// The process's copies of the reference tables, shared by its requests: one read from the primary, one from a read
/// replica.
#[derive(Debug)]
pub struct ReferenceCache {
    /// How long a copy serves; zero turns the cache off.
    ttl: Duration,
    /// How long after a change a copy read from a replica serves at most ([`REPLICA_SETTLING`]).
    settling: Duration,
    held: RwLock<Held>,
    /// Moves on at each change: a copy read while it moved is used by its request but not kept.
    generation: AtomicU64,
    /// Held by the request reading a copy from the primary, and from a replica: the others wait for it.
    loading: [Mutex<()>; 2],
    loads: AtomicU64,
}

#[derive(Debug)]
struct Held {
    /// The copy read from the primary, and the one read from a read replica, with when each stops serving.
    copies: [Option<(Arc<Snapshot>, Instant)>; 2],
    /// The last change heard of (the cache's making counts as one: the replica may lag the data it was made on).
    changed_at: Instant,
}

impl ReferenceCache {
    pub fn new(ttl: Duration) -> ReferenceCache {
        ReferenceCache {
            ttl,
            settling: REPLICA_SETTLING,
            held: RwLock::new(Held { copies: [None, None], changed_at: Instant::now() }),
            generation: AtomicU64::new(0),
            loading: [Mutex::new(()), Mutex::new(())],
            loads: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// The copy held from the primary (`replica` false) or a read replica, if it still serves.
    pub fn current(&self, replica: bool) -> Option<Arc<Snapshot>> {
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        let (snapshot, until) = held.copies[usize::from(replica)].as_ref()?;
        (Instant::now() < *until).then(|| snapshot.clone())
    }

    /// The copy held, else a new one read on `conn`, a connection to the primary (`replica` false) or to a read
    /// replica, and kept unless data changed while it was read; `None` when the cache is off or a table is too large
    /// to copy. Requests that find no copy wait for one reading.
    pub fn get_or_load(&self, replica: bool, conn: &mut DbConnection) -> hrc_db::QueryResult<Option<Arc<Snapshot>>> {
        if !self.enabled() {
            return Ok(None);
        }
        if let Some(snapshot) = self.current(replica) {
            return Ok(Some(snapshot));
        }
        let _loading = self.loading[usize::from(replica)].lock().unwrap_or_else(|e| e.into_inner());
        // Read by the request this one waited for.
        if let Some(snapshot) = self.current(replica) {
            return Ok(Some(snapshot));
        }
        let generation = self.generation.load(Ordering::Acquire);
        let started = Instant::now();
        let Some(rows) = ReferenceRows::load(conn, MOST_ROWS)? else { return Ok(None) };
        self.loads.fetch_add(1, Ordering::Relaxed);
        let snapshot = Arc::new(Snapshot::new(rows));
        self.keep(replica, generation, snapshot.clone(), started);
        Ok(Some(snapshot))
    }

    /// Keeps a copy whose reading began at `read_at`, in `generation`, unless data changed since; whether it was kept.
    /// Read from a replica within [`REPLICA_SETTLING`] of a change, it serves only until that time is up.
    fn keep(&self, replica: bool, generation: u64, snapshot: Arc<Snapshot>, read_at: Instant) -> bool {
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::Acquire) != generation {
            return false;
        }
        let settled = held.changed_at + self.settling;
        let until = if replica && read_at < settled { settled.min(read_at + self.ttl) } else { read_at + self.ttl };
        held.copies[usize::from(replica)] = Some((snapshot, until));
        true
    }

    /// Data changed: the copies go, and one being read now will not be kept.
    pub fn invalidate(&self) {
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        held.copies = [None, None];
        held.changed_at = Instant::now();
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

/// The cache as one request's database sees it: the copy read from the primary, or from a read replica.
#[derive(Debug, Clone)]
pub struct Reference {
    cache: Arc<ReferenceCache>,
    replica: bool,
}

impl Reference {
    pub fn new(cache: Arc<ReferenceCache>, replica: bool) -> Reference {
        Reference { cache, replica }
    }

    /// See [`ReferenceCache::current`].
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.cache.current(self.replica)
    }

    /// See [`ReferenceCache::get_or_load`]; `conn` is a connection of the request's database.
    pub fn get_or_load(&self, conn: &mut DbConnection) -> hrc_db::QueryResult<Option<Arc<Snapshot>>> {
        self.cache.get_or_load(self.replica, conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy() -> Arc<Snapshot> {
        Arc::new(Snapshot::default())
    }

    #[test]
    fn an_invalidation_during_a_load_keeps_the_copy_out() {
        let cache = ReferenceCache::new(Duration::from_secs(60));
        for replica in [false, true] {
            // As `get_or_load` does: the generation is read before the rows, and checked when the copy is kept.
            let generation = cache.generation.load(Ordering::Acquire);
            cache.invalidate();
            assert!(!cache.keep(replica, generation, copy(), Instant::now()));
            assert!(cache.current(replica).is_none());
            let generation = cache.generation.load(Ordering::Acquire);
            assert!(cache.keep(replica, generation, copy(), Instant::now()));
            assert!(cache.current(replica).is_some());
            cache.invalidate();
            assert!(cache.current(replica).is_none());
        }
    }

    #[test]
    fn a_copy_past_its_time_to_live_is_not_served() {
        let cache = ReferenceCache::new(Duration::from_millis(1));
        assert!(cache.keep(false, 0, copy(), Instant::now()));
        std::thread::sleep(Duration::from_millis(5));
        assert!(cache.current(false).is_none());
        let off = ReferenceCache::new(Duration::ZERO);
        assert!(!off.enabled());
    }

    #[test]
    fn the_copies_of_the_primary_and_of_a_replica_are_kept_apart() {
        let cache = ReferenceCache::new(Duration::from_secs(60));
        let (primary, replica) = (copy(), copy());
        assert!(cache.keep(true, 0, replica.clone(), Instant::now()));
        assert!(cache.current(false).is_none(), "a caller of the primary never gets the replica's copy");
        assert!(cache.keep(false, 0, primary.clone(), Instant::now()));
        assert!(Arc::ptr_eq(&cache.current(false).unwrap(), &primary));
        assert!(Arc::ptr_eq(&cache.current(true).unwrap(), &replica));
        cache.invalidate();
        assert!(cache.current(false).is_none() && cache.current(true).is_none());
    }

    #[test]
    fn a_replica_copy_read_soon_after_a_change_serves_only_until_the_replica_settles() {
        let mut cache = ReferenceCache::new(Duration::from_secs(60));
        cache.settling = Duration::from_millis(40);
        cache.invalidate();
        let generation = cache.generation.load(Ordering::Acquire);
        assert!(cache.keep(true, generation, copy(), Instant::now()));
        assert!(cache.keep(false, generation, copy(), Instant::now()));
        assert!(cache.current(true).is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.current(true).is_none(), "read before the replica may have replayed the change");
        assert!(cache.current(false).is_some(), "the primary's copy is not bound by the replica's lag");
        // Read once the replica has settled, a copy serves its whole time to live.
        assert!(cache.keep(true, generation, copy(), Instant::now()));
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.current(true).is_some());
    }
}
