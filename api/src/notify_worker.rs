//! The notification worker: releases scheduled news posts, reminds booked conversations, fans
//! events out to people, and hands due e-mail to the outbox. Runs in every instance; each step
//! claims its rows (a lease, a conditional update, a locked read), so several instances never do
//! one piece of work twice.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use persistence::ids::new_id;
use persistence::{Backend, Database, RepoError};

use crate::live::LiveHub;
use crate::services::{forms, news, notify, planner};

pub struct NotifyWorker {
    pub db: Database,
    pub poll: Duration,
    pub live: Arc<LiveHub>,
    owner: String,
}

impl NotifyWorker {
    pub fn new(db: Database, poll: Duration, live: Arc<LiveHub>) -> NotifyWorker {
        NotifyWorker {
            db,
            poll,
            live,
            owner: new_id(),
        }
    }

    /// Works until the process ends.
    pub async fn run(self) {
        loop {
            match self.round().await {
                // Events were waiting: more may be.
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(self.poll).await,
                Err(err) => {
                    log::error!("notify: {err}");
                    tokio::time::sleep(self.poll).await;
                }
            }
        }
    }

    /// One round of the three steps; true when it fanned out events.
    pub async fn round(&self) -> Result<bool, RepoError> {
        let db = self.db.clone();
        let owner = self.owner.clone();
        let fanned = web::block(move || {
            let now = Utc::now();
            news::release_due(&db, now.naive_utc())?;
            planner::send_due_reminders(&db, now)?;
            forms::announce_due(&db, now)?;
            let fanned = notify::fan_out(&db, &owner, now)?;
            notify::hand_due_emails(&db, now)?;
            Ok::<_, RepoError>(fanned)
        })
        .await
        .map_err(|err| RepoError::Corrupt(err.to_string()))??;
        if self.db.backend() == Backend::Sqlite {
            for event in &fanned.reached {
                self.live.reached(event.clone());
            }
        }
        Ok(fanned.events > 0)
    }
}
