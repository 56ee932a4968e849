//! The last few entries a thread found in a shared cache, looked at before the cache itself.
//!
//! A dashboard sends the same few requests again and again. Finding one of them in a moka cache costs its
//! bookkeeping (the clock, the access record, the frequency sketch): about 500 instructions, twice a request for
//! `{ __typename }`. A look here costs a few comparisons. Nothing here is ever invalidated: an entry leaves only when a
//! newer one takes its place. So it suits caches whose entries never go stale (a document's parse, a request's passed
//! checks), or entries kept with what decides whether they still stand, checked at each look (the response cache's
//! answers, with their generation and expiry).

/// How many entries each thread keeps.
const ENTRIES: usize = 4;

/// A thread's last [`ENTRIES`] entries, by 128-bit key; the oldest gives way to the newest.
pub struct Recent<V> {
    entries: [Option<(u128, V)>; ENTRIES],
    next: usize,
}

impl<V: Clone> Recent<V> {
    pub const fn new() -> Recent<V> {
        Recent { entries: [const { None }; ENTRIES], next: 0 }
    }

    /// The value kept under `key`, if any.
    pub fn get(&self, key: u128) -> Option<V> {
        self.entries.iter().flatten().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
    }

    /// Keeps `value` under `key`, in the place of the oldest entry.
    pub fn put(&mut self, key: u128, value: V) {
        if let Some(entry) = self.entries.iter_mut().flatten().find(|(k, _)| *k == key) {
            entry.1 = value;
            return;
        }
        self.entries[self.next] = Some((key, value));
        self.next = (self.next + 1) % ENTRIES;
    }
}

impl<V: Clone> Default for Recent<V> {
    fn default() -> Self {
        Recent::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_entries_are_found_and_the_oldest_gives_way() {
        let mut recent = Recent::new();
        assert_eq!(recent.get(1), None);
        for key in 1..=ENTRIES as u128 {
            recent.put(key, key * 10);
        }
        for key in 1..=ENTRIES as u128 {
            assert_eq!(recent.get(key), Some(key * 10));
        }
        recent.put(2, 21);
        assert_eq!(recent.get(2), Some(21), "a key put again is replaced, not kept twice");
        recent.put(99, 990);
        assert_eq!(recent.get(1), None, "the oldest gave way");
        assert_eq!(recent.get(99), Some(990));
        assert_eq!(recent.get(2), Some(21));
    }
}
