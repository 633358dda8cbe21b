//! A per-instance cache of who a session's caller is (roles and relations: six queries to load),
//! so that an authenticated request costs one query: whether the session is live and its account
//! enabled. That check runs on every request, so a logout, an ended session or a disabled account
//! takes effect at once on every instance. What the cached actor holds (roles, groups, children)
//! is reloaded after at most the cache's lifetime (a few seconds), and at once on the instance that
//! ran a roster sync; so a change of roles or relations takes effect everywhere within that bound.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use domain::actor::Actor;
use uuid::Uuid;

/// Entries kept at most; beyond it the expired ones go, and if need be all.
const CAPACITY: usize = 50_000;

pub struct CallerCache {
    lifetime: Duration,
    entries: Mutex<HashMap<Uuid, (Instant, Actor)>>,
}

impl CallerCache {
    /// A cache whose entries live `lifetime`; zero caches nothing.
    pub fn new(lifetime: Duration) -> CallerCache {
        CallerCache {
            lifetime,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The actor of this session, if loaded within the lifetime.
    pub fn get(&self, session: Uuid) -> Option<Actor> {
        if self.lifetime.is_zero() {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let (at, actor) = entries.get(&session)?;
        (at.elapsed() < self.lifetime).then(|| actor.clone())
    }

    pub fn put(&self, session: Uuid, actor: Actor) {
        if self.lifetime.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                let lifetime = self.lifetime;
                entries.retain(|_, (at, _)| at.elapsed() < lifetime);
                if entries.len() >= CAPACITY {
                    entries.clear();
                }
            }
            entries.insert(session, (Instant::now(), actor));
        }
    }

    /// Forgets every caller (this instance changed roles or relations: a roster sync).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_lives_for_the_lifetime_and_zero_caches_nothing() {
        let actor = Actor::operator(Uuid::from_u128(1));
        let session = Uuid::from_u128(2);
        let cache = CallerCache::new(Duration::from_millis(50));
        cache.put(session, actor.clone());
        assert_eq!(cache.get(session), Some(actor.clone()));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(session), None);
        cache.put(session, actor.clone());
        cache.clear();
        assert_eq!(cache.get(session), None);

        let off = CallerCache::new(Duration::ZERO);
        off.put(session, actor);
        assert_eq!(off.get(session), None);
    }
}
