//! A per-instance cache of who a session's caller is (roles and relations: six queries to load).
//! Whether the session is still live is not the cache's business: the session feed
//! (`auth::session_feed`) vouches for it, or the request checks it in the database. What the
//! cached actor holds (roles, groups, children) is reloaded after at most the cache's lifetime (a
//! few seconds), and at once on the instance that ran a roster sync; so a change of roles or
//! relations takes effect everywhere within that bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::actor::Actor;
use uuid::Uuid;

/// Entries kept at most; beyond it the expired ones go, and if need be all.
const CAPACITY: usize = 50_000;

pub struct CallerCache {
    lifetime: Duration,
    entries: Mutex<HashMap<Uuid, Entry>>,
}

struct Entry {
    loaded: Instant,
    actor: Actor,
    /// The caller's `/me` answer (JSON), made from what was loaded with the actor: it lives no
    /// longer than the actor.
    me: Option<Arc<String>>,
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
        let entry = entries.get(&session)?;
        (entry.loaded.elapsed() < self.lifetime).then(|| entry.actor.clone())
    }

    /// The caller's `/me` answer, if kept and still within the lifetime of its actor.
    pub fn me(&self, session: Uuid) -> Option<Arc<String>> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(&session)?;
        let me = entry.me.as_ref()?;
        (entry.loaded.elapsed() < self.lifetime).then(|| Arc::clone(me))
    }

    /// Keeps the caller's `/me` answer with its actor (not beyond the actor's lifetime).
    pub fn keep_me(&self, session: Uuid, me: Arc<String>) {
        if let Ok(mut entries) = self.entries.lock()
            && let Some(entry) = entries.get_mut(&session)
        {
            entry.me = Some(me);
        }
    }

    pub fn put(&self, session: Uuid, actor: Actor) {
        if self.lifetime.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                let lifetime = self.lifetime;
                entries.retain(|_, entry| entry.loaded.elapsed() < lifetime);
                if entries.len() >= CAPACITY {
                    entries.clear();
                }
            }
            let entry = Entry {
                loaded: Instant::now(),
                actor,
                me: None,
            };
            entries.insert(session, entry);
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
        cache.keep_me(session, Arc::new("{}".to_owned()));
        assert!(cache.me(session).is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(session), None);
        assert!(
            cache.me(session).is_none(),
            "the answer lives no longer than its actor"
        );
        cache.put(session, actor.clone());
        cache.clear();
        assert_eq!(cache.get(session), None);

        let off = CallerCache::new(Duration::ZERO);
        off.put(session, actor);
        assert_eq!(off.get(session), None);
    }
}
