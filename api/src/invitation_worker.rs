//! Sends the activation links of guardians a roster sync created (SPEC §2: accounts for guardians
//! are created by the sync and activated by a single-use link to that guardian's own address).
//! Runs in every instance; taking a guardian off the queue is the claim.

use std::time::Duration;

use persistence::{Database, pending_invitations};

use crate::accounts::{self, Invitee};
use crate::error::ApiError;

const BATCH: i64 = 50;

pub struct InvitationWorker {
    pub db: Database,
    pub poll: Duration,
    pub base_url: String,
}

impl InvitationWorker {
    /// Works until the process ends.
    pub async fn run(self) {
        loop {
            match self.invite_due().await {
                // A full batch: more may wait, go on at once.
                Ok(n) if n as i64 == BATCH => {}
                Ok(_) => tokio::time::sleep(self.poll).await,
                Err(err) => {
                    log::error!("invitations: {err}");
                    tokio::time::sleep(self.poll).await;
                }
            }
        }
    }

    /// Invites one batch of queued guardians; returns how many were taken off the queue.
    pub async fn invite_due(&self) -> Result<usize, ApiError> {
        let base_url = self.base_url.clone();
        crate::db::run(&self.db, move |conn| {
            let due = pending_invitations::due(conn, BATCH)?;
            for guardian_id in &due {
                persistence::transaction(conn, |conn| {
                    let Some((guardian, school)) = pending_invitations::take(conn, guardian_id)?
                    else {
                        return Ok::<_, ApiError>(());
                    };
                    let Some(email) = guardian.email.as_deref() else {
                        return Ok(());
                    };
                    // In a savepoint: one guardian's failure is logged, not retried forever.
                    let invited = persistence::transaction(conn, |conn| {
                        accounts::invite(
                            conn,
                            Invitee::Guardian { id: &guardian.id },
                            email,
                            &school,
                            &base_url,
                        )
                    });
                    if let Err(err) = invited {
                        log::warn!("invitations: guardian {} not invited: {err}", guardian.id);
                    }
                    Ok(())
                })?;
            }
            Ok::<_, ApiError>(due.len())
        })
        .await
    }
}
