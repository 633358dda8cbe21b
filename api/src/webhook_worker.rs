//! The webhook worker: claims due deliveries with a lease (several instances never send one
//! delivery at the same time), POSTs each signed payload to its endpoint, and records the
//! attempt through [`services::webhooks::finish_attempt`], which retries with back-off and
//! disables an endpoint that keeps failing.
//!
//! Sending follows the roster fetch's rules for a URL a school admin chose: `https` only and no
//! private network unless the operator allows them, checked again at every send; host names
//! resolve to public addresses only and the connection goes to the address checked (no DNS
//! rebinding); no redirects; a time limit; the answer's body is never read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web;
use chrono::{Duration as Span, Utc};
use domain::notify::webhook::{DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature_header};
use domain::notify::webhook_delivery::{FailureClass, delivered};
use persistence::Database;
use persistence::ids::{new_id, now};
use persistence::webhooks::deliveries::{self, AttemptOutcome, Job};
use reqwest::header::CONTENT_TYPE;
use reqwest::redirect::Policy;

use crate::roster_fetch::{NO_PUBLIC_ADDRESS, PublicAddressesOnly, fetchable};
use crate::routes::webhooks::WebhookEvent;
use crate::services::webhooks::finish_attempt;

/// Deliveries claimed at a time; sent one after another.
const BATCH: i64 = 10;

pub struct WebhookWorker {
    db: Database,
    http: reqwest::Client,
    poll: Duration,
    timeout: Duration,
    private_networks: bool,
    owner: String,
}

impl WebhookWorker {
    pub fn new(
        db: Database,
        poll: Duration,
        timeout: Duration,
        private_networks: bool,
    ) -> Result<WebhookWorker, String> {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(Policy::none())
            .user_agent("Ouderportaal webhooks");
        if !private_networks {
            builder = builder.dns_resolver(Arc::new(PublicAddressesOnly));
        }
        let http = builder.build().map_err(|e| e.to_string())?;
        Ok(WebhookWorker {
            db,
            http,
            poll,
            timeout,
            private_networks,
            owner: new_id(),
        })
    }

    /// Works until the process ends.
    pub async fn run(self) {
        loop {
            match self.send_due().await {
                Ok(0) => tokio::time::sleep(self.poll).await,
                // More may be waiting: go on at once.
                Ok(_) => {}
                Err(err) => {
                    log::error!("webhooks: {err}");
                    tokio::time::sleep(self.poll).await;
                }
            }
        }
    }

    /// Sends one batch of due deliveries; returns how many were claimed.
    pub async fn send_due(&self) -> Result<usize, String> {
        let db = self.db.clone();
        let owner = self.owner.clone();
        // Longer than sending the batch can take, one request after another.
        let lease = Span::from_std(self.timeout * (BATCH as u32 + 1)).unwrap_or(Span::hours(1));
        let claimed = web::block(move || {
            let mut conn = db.get()?;
            deliveries::claim(&mut conn, &owner, now() + lease, BATCH)
        })
        .await
        .map_err(|err| err.to_string())?
        .map_err(|err| err.to_string())?;
        let count = claimed.len();
        for job in claimed {
            let (outcome, ok) = self.attempt(&job).await;
            let db = self.db.clone();
            let owner = self.owner.clone();
            let disabled = web::block(move || {
                let mut conn = db.get()?;
                finish_attempt(&mut conn, &job, &owner, &outcome, ok)
                    .map(|disabled| disabled.then_some(job.delivery.endpoint_id))
            })
            .await
            .map_err(|err| err.to_string())?
            .map_err(|err| err.to_string())?;
            if let Some(endpoint) = disabled {
                log::warn!("webhooks: endpoint {endpoint} disabled after failing deliveries");
            }
        }
        Ok(count)
    }

    /// One attempt: the outcome to record, and whether it was delivered.
    async fn attempt(&self, job: &Job) -> (AttemptOutcome, bool) {
        let attempted_at = now();
        let started = Instant::now();
        let sent = self.post(job).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status_code, failure) = match sent {
            Ok(status) if delivered(status) => (Some(i32::from(status)), None),
            Ok(status) => (Some(i32::from(status)), Some(FailureClass::HttpStatus)),
            Err(class) => {
                // The class only: the endpoint's address stays out of the log.
                log::info!(
                    "webhooks: delivery {} failed: {}",
                    job.delivery.id,
                    class.as_str()
                );
                (None, Some(class.shown(self.private_networks)))
            }
        };
        let outcome = AttemptOutcome {
            attempted_at,
            status_code,
            error: failure.map(|class| class.as_str().to_owned()),
            duration_ms,
        };
        (outcome, failure.is_none())
    }

    /// POSTs the delivery's signed payload; the status the endpoint answered.
    async fn post(&self, job: &Job) -> Result<u16, FailureClass> {
        let url = reqwest::Url::parse(&job.url).map_err(|_| FailureClass::RefusedAddress)?;
        fetchable(&url, self.private_networks).map_err(|_| FailureClass::RefusedAddress)?;
        let body = serde_json::to_vec(&WebhookEvent::from(&job.delivery))
            .map_err(|_| FailureClass::Request)?;
        let signature = signature_header(&job.secret, Utc::now().timestamp(), &body);
        let response = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header(EVENT_HEADER, job.delivery.event.kind.as_str())
            .header(DELIVERY_HEADER, &job.delivery.id)
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(|err| failure_class(&err))?;
        // The body is not read: nothing in it is used, and a receiver cannot make the worker
        // hold a large one.
        Ok(response.status().as_u16())
    }
}

fn failure_class(err: &reqwest::Error) -> FailureClass {
    let mut source: Option<&dyn std::error::Error> = Some(err);
    while let Some(cause) = source {
        if cause.to_string().contains(NO_PUBLIC_ADDRESS) {
            return FailureClass::RefusedAddress;
        }
        source = cause.source();
    }
    if err.is_timeout() {
        FailureClass::Timeout
    } else if err.is_connect() {
        FailureClass::Connect
    } else {
        FailureClass::Request
    }
}
