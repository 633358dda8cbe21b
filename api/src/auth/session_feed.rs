//! Whether a cached caller may skip the per-request session check: each instance reads the
//! database's feed of ended sessions and disabled accounts (`session_ends`, written by triggers)
//! every poll interval, and a cached caller is served without a query of its own only while that
//! reading is fresh and does not name its session or account.
//!
//! The bound: a session that ends (or an account disabled) on another instance stops being served
//! here within two poll intervals (2 s by default); the instance that ended it reads the feed at
//! once. When the feed cannot be read for two intervals, every cached caller is checked per request
//! again, as with the feed switched off (`OUDERPORTAAL_SESSION_FEED_MS=0`).

use std::collections::HashSet;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use persistence::{Database, session_ends};
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;

/// How far back each reading goes. Longer than the caller cache's longest lifetime (60 s), so a
/// caller loaded just before its session ended is refused for as long as its entry can live;
/// and far longer than a transaction takes to commit after ending a session.
const WINDOW: Duration = Duration::from_secs(120);

/// Ends older than this are deleted (by every instance, now and then).
const KEEP: Duration = Duration::from_secs(3600);
const PRUNE_EVERY: Duration = Duration::from_secs(600);

pub struct SessionFeed {
    poll: Duration,
    known: RwLock<Known>,
}

/// The latest reading of the feed.
#[derive(Default)]
struct Known {
    /// When the reading's query was sent: every end committed before it is in the reading.
    as_of: Option<Instant>,
    sessions: HashSet<Uuid>,
    accounts: HashSet<Uuid>,
}

impl SessionFeed {
    /// A feed read every `poll`; zero switches it off (every caller is checked per request).
    pub fn new(poll: Duration) -> SessionFeed {
        SessionFeed {
            poll,
            known: RwLock::new(Known::default()),
        }
    }

    /// Whether a cached caller of this session and account may be served without checking its
    /// session: the feed was read within two intervals and names neither.
    pub fn vouches_for(&self, session: Uuid, account: Uuid) -> bool {
        if self.poll.is_zero() {
            return false;
        }
        let Ok(known) = self.known.read() else {
            return false;
        };
        known
            .as_of
            .is_some_and(|as_of| as_of.elapsed() < self.poll * 2)
            && !known.sessions.contains(&session)
            && !known.accounts.contains(&account)
    }

    /// Reads the feed now (after this instance ended a session, so it refuses the caller at once).
    /// A failed reading leaves the last one to go stale.
    pub async fn catch_up(&self, db: &Database) {
        if self.poll.is_zero() {
            return;
        }
        let sent = Instant::now();
        let reading = db::run(db, |conn| session_ends::recent(conn, WINDOW)).await;
        match reading {
            Ok(ended) => self.take(sent, &ended),
            Err(err) => log::warn!("session feed not read, callers are checked per request: {err}"),
        }
    }

    /// Keeps a reading unless a newer one is kept already (readings may finish out of order).
    fn take(&self, sent: Instant, ended: &session_ends::Ended) {
        let ids = |list: &[String]| {
            list.iter()
                .filter_map(|id| Uuid::parse_str(id).ok())
                .collect::<HashSet<_>>()
        };
        let reading = Known {
            as_of: Some(sent),
            sessions: ids(&ended.sessions),
            accounts: ids(&ended.accounts),
        };
        if let Ok(mut known) = self.known.write()
            && known.as_of.is_none_or(|kept| kept < sent)
        {
            *known = reading;
        }
    }

    /// Reads the feed every interval, and prunes it now and then, until the runtime stops.
    pub async fn run(self: std::sync::Arc<Self>, db: Database) {
        if self.poll.is_zero() {
            return;
        }
        let mut pruned = Instant::now();
        loop {
            self.catch_up(&db).await;
            if pruned.elapsed() >= PRUNE_EVERY {
                pruned = Instant::now();
                let outcome: Result<usize, ApiError> =
                    db::run(&db, |conn| session_ends::prune(conn, KEEP)).await;
                if let Err(err) = outcome {
                    log::warn!("session feed not pruned: {err}");
                }
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use persistence::session_ends::Ended;

    const POLL: Duration = Duration::from_millis(40);

    fn ended(sessions: &[Uuid], accounts: &[Uuid]) -> Ended {
        Ended {
            sessions: sessions.iter().map(Uuid::to_string).collect(),
            accounts: accounts.iter().map(Uuid::to_string).collect(),
        }
    }

    #[test]
    fn a_fresh_reading_vouches_for_callers_it_does_not_name() {
        let (session, account) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let feed = SessionFeed::new(POLL);
        assert!(!feed.vouches_for(session, account), "never read");
        feed.take(Instant::now(), &ended(&[], &[]));
        assert!(feed.vouches_for(session, account));
        feed.take(Instant::now(), &ended(&[session], &[]));
        assert!(!feed.vouches_for(session, account), "its session ended");
        assert!(
            feed.vouches_for(Uuid::from_u128(3), account),
            "another session of the account"
        );
        feed.take(Instant::now(), &ended(&[], &[account]));
        assert!(
            !feed.vouches_for(Uuid::from_u128(3), account),
            "its account is disabled"
        );
    }

    #[test]
    fn a_stale_reading_vouches_for_no_one() {
        let feed = SessionFeed::new(POLL);
        feed.take(Instant::now(), &ended(&[], &[]));
        std::thread::sleep(POLL * 2);
        assert!(!feed.vouches_for(Uuid::from_u128(1), Uuid::from_u128(2)));
    }

    #[test]
    fn an_older_reading_finishing_late_does_not_replace_a_newer_one() {
        let session = Uuid::from_u128(1);
        let feed = SessionFeed::new(POLL);
        let older = Instant::now();
        let newer = older + Duration::from_millis(1);
        feed.take(newer, &ended(&[session], &[]));
        feed.take(older, &ended(&[], &[]));
        assert!(!feed.vouches_for(session, Uuid::from_u128(2)));
    }

    #[test]
    fn switched_off_it_vouches_for_no_one() {
        let feed = SessionFeed::new(Duration::ZERO);
        feed.take(Instant::now(), &ended(&[], &[]));
        assert!(!feed.vouches_for(Uuid::from_u128(1), Uuid::from_u128(2)));
    }
}
