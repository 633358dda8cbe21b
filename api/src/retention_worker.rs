//! Runs the retention purge nightly (03:00 in Amsterdam, after the roster fetch at 02:00 so the
//! night's leavers are known). Every instance wakes; the lease lets one of them run it.

use std::sync::Arc;

use chrono::NaiveTime;
use persistence::Database;

use crate::clock::Clock;

/// The local hour of the nightly purge.
const PURGE_HOUR: u32 = 3;

pub struct RetentionWorker {
    pub db: Database,
    pub clock: Arc<Clock>,
}

impl RetentionWorker {
    /// Works until the process ends.
    pub async fn run(self) {
        let owner = uuid::Uuid::new_v4().to_string();
        let at = NaiveTime::from_hms_opt(PURGE_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
        loop {
            let now = self.clock.now();
            let next = domain::schedule::next_local(now, at);
            let wait = (next - now).to_std().unwrap_or_default();
            tokio::time::sleep(wait).await;
            let (owner, now) = (owner.clone(), self.clock.now());
            let ran = crate::db::run(&self.db, move |conn| {
                crate::services::retention::run_scheduled(conn, &owner, now)
            })
            .await;
            match ran {
                Ok(true) => log::info!("retention purge done"),
                Ok(false) => log::debug!("retention purge runs on another instance"),
                Err(err) => log::error!("retention purge: {err}"),
            }
        }
    }
}
