//! The export worker: collects queued access exports (AVG art. 15). Runs in every instance; the
//! lease on a claimed job keeps two instances from collecting the same one, and a job whose
//! instance died is taken up again when its lease runs out.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use persistence::Database;
use persistence::ids::new_id;

use crate::clock::Clock;
use crate::services::export;

pub struct ExportWorker {
    db: Database,
    poll: Duration,
    clock: Arc<Clock>,
    owner: String,
}

impl ExportWorker {
    pub fn new(db: Database, poll: Duration, clock: Arc<Clock>) -> ExportWorker {
        ExportWorker {
            db,
            poll,
            clock,
            owner: new_id(),
        }
    }

    /// Works until the process ends.
    pub async fn run(self) {
        loop {
            match self.run_one().await {
                // More may be waiting: go on at once.
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(self.poll).await,
                Err(err) => {
                    log::error!("export worker: {err}");
                    tokio::time::sleep(self.poll).await;
                }
            }
        }
    }

    /// Collects one waiting job; true when there was one.
    pub async fn run_one(&self) -> Result<bool, String> {
        let db = self.db.clone();
        let owner = self.owner.clone();
        let clock = Arc::clone(&self.clock);
        let ran = web::block(move || {
            let mut conn = db.get()?;
            export::run_one(&mut conn, &owner, &clock)
        })
        .await
        .map_err(|err| err.to_string())?
        .map_err(|err| err.to_string())?;
        Ok(ran.is_some())
    }
}
