//! Per-instance caches of roster data (a pupil's card) that are exact rather than merely fresh: an
//! entry is tagged with the roster's generation read before it was loaded, and served only to a
//! request that read the same generation (one row by key, as cheap as the readiness probe's
//! `SELECT 1`). The database moves the generation with every committed change to the roster
//! (triggers), so a change made on any instance is seen by the next request on every instance; a
//! card loaded while a change committed carries the older generation and is never served after it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Entries kept at most; beyond it all go (they are reloaded on demand).
const CAPACITY: usize = 20_000;

pub struct RosterCache<V> {
    entries: Mutex<Generation<V>>,
}

/// The entries of one generation: a newer generation replaces them all.
struct Generation<V> {
    n: i64,
    entries: HashMap<String, Arc<V>>,
}

impl<V> Default for RosterCache<V> {
    fn default() -> Self {
        RosterCache {
            entries: Mutex::new(Generation {
                n: i64::MIN,
                entries: HashMap::new(),
            }),
        }
    }
}

impl<V> RosterCache<V> {
    /// The entry for `key`, or `load`'s value kept for `generation` (the one the caller read before
    /// loading). An error of `load` is passed on and keeps nothing.
    pub fn get_or_load<E>(
        &self,
        generation: i64,
        key: &str,
        load: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(hit) = self.get(generation, key) {
            return Ok(hit);
        }
        let value = Arc::new(load()?);
        self.put(generation, key, Arc::clone(&value));
        Ok(value)
    }

    fn get(&self, generation: i64, key: &str) -> Option<Arc<V>> {
        let kept = self.entries.lock().ok()?;
        if kept.n != generation {
            return None;
        }
        kept.entries.get(key).cloned()
    }

    /// Keeps `value` unless a newer generation has been seen (it may be stale already).
    fn put(&self, generation: i64, key: &str, value: Arc<V>) {
        let Ok(mut kept) = self.entries.lock() else {
            return;
        };
        if generation < kept.n {
            return;
        }
        if generation > kept.n || kept.entries.len() >= CAPACITY {
            kept.n = generation;
            kept.entries.clear();
        }
        kept.entries.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(value: &str) -> impl FnOnce() -> Result<String, ()> {
        let value = value.to_owned();
        move || Ok(value)
    }

    #[test]
    fn an_entry_is_served_only_for_the_generation_it_was_loaded_at() {
        let cache = RosterCache::default();
        assert_eq!(*cache.get_or_load(1, "p", load("old")).unwrap(), "old");
        assert_eq!(
            *cache.get_or_load(1, "p", load("new")).unwrap(),
            "old",
            "kept"
        );
        assert_eq!(
            *cache.get_or_load(2, "p", load("new")).unwrap(),
            "new",
            "the generation moved"
        );
        assert_eq!(*cache.get_or_load(2, "p", load("newer")).unwrap(), "new");
    }

    #[test]
    fn a_load_at_an_older_generation_is_not_kept_and_errors_keep_nothing() {
        let cache = RosterCache::default();
        cache.get_or_load(5, "p", load("five")).unwrap();
        // A request that read generation 4 before another one saw 5: its card may be stale.
        assert_eq!(*cache.get_or_load(4, "q", load("four")).unwrap(), "four");
        assert_eq!(cache.get(5, "q"), None, "not kept");
        assert_eq!(cache.get(4, "q"), None);
        assert_eq!(
            cache
                .get_or_load(5, "r", || Err::<String, _>("gone"))
                .unwrap_err(),
            "gone"
        );
        assert_eq!(cache.get(5, "r"), None);
        assert_eq!(
            cache.get(5, "p").as_deref().map(String::as_str),
            Some("five")
        );
    }
}
