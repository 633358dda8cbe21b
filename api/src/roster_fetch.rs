//! The nightly roster fetch: each school with a configured source has its LAS's EDEXML file
//! fetched (reqwest, with a timeout and the roster size limit) and synced, at 02:00 Amsterdam time
//! or when an admin asks for it now. Runs in every instance; a lease on the source row lets one
//! instance take each due fetch.

use std::time::Duration;

use chrono::Duration as Span;
use domain::schedule::next_nightly_fetch_naive;
use futures_util::StreamExt;
use persistence::ids::{new_id, now};
use persistence::roster_sources::{self, RosterSourceRow};
use persistence::{Database, schools};

use crate::error::ApiError;
use crate::routes::roster::parse_edexml;
use crate::sync::{self, Source, StartedBy};

/// Longer than a fetch and its sync can take.
const LEASE_SECONDS: i64 = 600;
const BATCH: i64 = 5;

pub struct RosterFetcher {
    db: Database,
    http: reqwest::Client,
    poll: Duration,
    limit: usize,
    base_url: String,
    owner: String,
}

/// Why a fetch brought no file.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the LAS could not be reached: {0}")]
    Unreachable(String),
    #[error("the LAS answered with HTTP status {0}")]
    Status(u16),
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the file is not UTF-8 text")]
    NotText,
}

impl RosterFetcher {
    pub fn new(
        db: Database,
        poll: Duration,
        timeout: Duration,
        limit: usize,
        base_url: String,
    ) -> Result<RosterFetcher, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent("Ouderportaal roster fetch")
            .build()
            .map_err(|e| e.to_string())?;
        Ok(RosterFetcher {
            db,
            http,
            poll,
            limit,
            base_url,
            owner: new_id(),
        })
    }

    /// Works until the process ends.
    pub async fn run(self) {
        loop {
            if let Err(err) = self.fetch_due().await {
                log::error!("roster fetch: {err}");
            }
            tokio::time::sleep(self.poll).await;
        }
    }

    /// Fetches and syncs every due source this instance can claim; returns how many it handled.
    pub async fn fetch_due(&self) -> Result<usize, ApiError> {
        let db = self.db.clone();
        let owner = self.owner.clone();
        let claimed = crate::db::run(&db, move |conn| {
            roster_sources::claim_due(conn, &owner, now() + Span::seconds(LEASE_SECONDS), BATCH)
        })
        .await?;
        let count = claimed.len();
        for source in claimed {
            let school_id = source.school_id.clone();
            if let Err(err) = self.fetch_one(source).await {
                // The failure is in the school's sync runs; the log names no data.
                log::warn!("roster fetch for school {school_id} failed: {err}");
            }
        }
        Ok(count)
    }

    async fn fetch_one(&self, source: RosterSourceRow) -> Result<(), ApiError> {
        let fetched = self.download(&source.url).await;
        let base_url = self.base_url.clone();
        let owner = self.owner.clone();
        crate::db::run(&self.db, move |conn| {
            let school = schools::find_for_system(conn, &source.school_id)?;
            let by = StartedBy::default();
            let result = match fetched {
                Ok(xml) => match parse_edexml(&xml) {
                    Ok(input) => {
                        sync::run(conn, &school, &base_url, Source::EdexmlFetch, &by, input)
                            .map(|_| ())
                    }
                    Err(err) => {
                        sync::record_refused(conn, &school, Source::EdexmlFetch, &by, &err)?;
                        Err(err)
                    }
                },
                Err(err) => {
                    let err = ApiError::Validation(vec![crate::error::FieldError::new(
                        "url",
                        "fetch_failed",
                        err.to_string(),
                    )]);
                    sync::record_refused(conn, &school, Source::EdexmlFetch, &by, &err)?;
                    Err(err)
                }
            };
            // Next night, whatever happened: a failed run is visible to the admins, who can ask
            // for a fetch now once the LAS is fixed.
            roster_sources::finish(
                conn,
                &source.school_id,
                &owner,
                next_nightly_fetch_naive(now()),
            )?;
            result
        })
        .await
    }

    /// The file at `url`, read up to the roster size limit.
    async fn download(&self, url: &str) -> Result<String, FetchError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| FetchError::Unreachable(without_url(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|len| len > self.limit as u64)
        {
            return Err(FetchError::TooLarge(self.limit));
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| FetchError::Unreachable(without_url(&e)))?;
            if body.len() + chunk.len() > self.limit {
                return Err(FetchError::TooLarge(self.limit));
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| FetchError::NotText)
    }
}

/// The error without the URL, which may carry a token in its query string.
fn without_url(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_redirect() {
        "too many redirects"
    } else {
        "request failed"
    };
    kind.to_owned()
}
