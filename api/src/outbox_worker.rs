//! The outbox worker: claims due messages, sends them over SMTP, marks them sent, and schedules a
//! retry with back-off when the mail server does not take them. Runs in every instance; the lease
//! on claimed rows keeps two instances from sending the same message.

use std::time::Duration;

use actix_web::web;
use chrono::Duration as Span;
use domain::mail::retry_at;
use persistence::ids::{new_id, now};
use persistence::{Database, outbox};

use crate::mailer::Mailer;

/// How long a claim holds: longer than sending a batch can take.
const LEASE_SECONDS: i64 = 120;
const BATCH: i64 = 20;

pub struct OutboxWorker {
    pub db: Database,
    pub mailer: Mailer,
    pub poll: Duration,
    pub retry_base: Span,
    pub retry_max: Span,
    owner: String,
}

impl OutboxWorker {
    pub fn new(
        db: Database,
        mailer: Mailer,
        poll: Duration,
        retry_base: Span,
        retry_max: Span,
    ) -> OutboxWorker {
        OutboxWorker {
            db,
            mailer,
            poll,
            retry_base,
            retry_max,
            owner: new_id(),
        }
    }

    /// Works until the process ends.
    pub async fn run(self) {
        loop {
            match self.send_due().await {
                Ok(0) => tokio::time::sleep(self.poll).await,
                // More may be waiting: go on at once.
                Ok(_) => {}
                Err(err) => {
                    log::error!("outbox: {err}");
                    tokio::time::sleep(self.poll).await;
                }
            }
        }
    }

    /// Sends one batch of due messages; returns how many were claimed.
    pub async fn send_due(&self) -> Result<usize, String> {
        let db = self.db.clone();
        let owner = self.owner.clone();
        let claimed = web::block(move || {
            let mut conn = db.get()?;
            outbox::claim(
                &mut conn,
                &owner,
                now() + Span::seconds(LEASE_SECONDS),
                BATCH,
            )
        })
        .await
        .map_err(|err| err.to_string())?
        .map_err(|err| err.to_string())?;
        let count = claimed.len();
        for message in claimed {
            let result = self
                .mailer
                .send(&message.to_address, &message.subject, &message.body)
                .await;
            let db = self.db.clone();
            let owner = self.owner.clone();
            let (base, max) = (self.retry_base, self.retry_max);
            web::block(move || {
                let mut conn = db.get()?;
                match result {
                    Ok(()) => outbox::mark_sent(&mut conn, &message.id, &owner),
                    Err(error) => {
                        let attempts = message.attempts + 1;
                        let next = retry_at(
                            now(),
                            u32::try_from(message.attempts).unwrap_or(0),
                            base,
                            max,
                        );
                        // The error names no recipient: SMTP errors here are about the connection.
                        log::warn!(
                            "outbox: delivery of a {} message failed (attempt {attempts}): {error}",
                            message.kind
                        );
                        outbox::mark_failed(&mut conn, &message.id, &owner, attempts, next, &error)
                    }
                }
            })
            .await
            .map_err(|err| err.to_string())?
            .map_err(|err| err.to_string())?;
        }
        Ok(count)
    }
}
