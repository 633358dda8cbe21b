//! The nightly roster fetch: each school with a configured source has its LAS's EDEXML file
//! fetched (reqwest, with a timeout and the roster size limit) and synced, at 02:00 Amsterdam time
//! or when an admin asks for it now. Runs in every instance; a lease on the source row lets one
//! instance take each due fetch.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use domain::network::{is_public, may_fetch};
use domain::schedule::next_nightly_fetch_naive;
use futures_util::StreamExt;
use persistence::ids::{new_id, now};
use persistence::roster_sources::{self, RosterSourceRow};
use persistence::{Database, schools};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;

use crate::error::ApiError;
use crate::services::sync::{self, Source, StartedBy, SyncError};

/// Longer than a fetch and its sync can take.
const LEASE_SECONDS: i64 = 600;

pub struct RosterFetcher {
    db: Database,
    http: reqwest::Client,
    poll: Duration,
    limit: usize,
    base_url: String,
    owner: String,
    /// Whether URLs may reach loopback and private networks (development, on-premises LAS).
    private_networks: bool,
}

/// Resolves host names to their public addresses only, so a roster URL cannot reach the
/// server's own network, also not through DNS that points a public name inward. The connection
/// goes to an address this resolver returned: the address checked is the address used (no DNS
/// rebinding between check and connect). Webhooks use it too.
pub(crate) struct PublicAddressesOnly;

/// The resolver's refusal, which callers find in an error's source chain.
pub(crate) const NO_PUBLIC_ADDRESS: &str = "the host has no public address";

impl Resolve for PublicAddressesOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(NO_PUBLIC_ADDRESS.into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// Whether a URL may be fetched: `https` (or `http` where plain connections are allowed) and,
/// unless private networks are allowed, not an IP literal of a private network.
pub fn fetchable(url: &reqwest::Url, private_networks: bool) -> Result<(), &'static str> {
    may_fetch(url.scheme(), url.host_str(), private_networks)
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
    #[error("the URL {0}")]
    Refused(&'static str),
    /// A connection failure or HTTP error where private networks are allowed: one text for all, so
    /// that a school admin's URL (or a redirect) cannot tell an open port from a closed one on the
    /// server's network (the fetcher is no port scanner); the detail goes to the server log.
    #[error("the LAS could not be reached, or gave no usable file (details in the server log)")]
    Internal,
}

/// Syncs what a fetch brought (or records why it brought nothing), with an audit event as for
/// any sync.
fn sync_fetched(
    conn: &mut persistence::AnyConnection,
    school_id: &str,
    base_url: &str,
    fetched: Result<String, FetchError>,
) -> Result<(), SyncError> {
    let school = schools::find_for_system(conn, school_id)?;
    let by = StartedBy::default();
    let input = fetched
        .map_err(|err| SyncError::invalid("url", "fetch_failed", err.to_string()))
        .and_then(|xml| sync::parse_edexml(&xml));
    match input {
        Ok(input) => {
            let request = sync::Request {
                school: &school,
                base_url,
                source: Source::EdexmlFetch,
                by: &by,
                force: false,
            };
            sync::run_audited(conn, request, input).map(drop)
        }
        Err(err) => {
            sync::record_refused(conn, &school, Source::EdexmlFetch, &by, err.failure_text())?;
            Err(err)
        }
    }
}

impl RosterFetcher {
    pub fn new(
        db: Database,
        poll: Duration,
        timeout: Duration,
        limit: usize,
        base_url: String,
        private_networks: bool,
    ) -> Result<RosterFetcher, String> {
        // Every hop of a redirect is checked like the configured URL.
        let redirects = Policy::custom(move |attempt| {
            if attempt.previous().len() >= 3 {
                attempt.error("too many redirects")
            } else if let Err(why) = fetchable(attempt.url(), private_networks) {
                attempt.error(why)
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(redirects)
            .user_agent("Ouderportaal roster fetch");
        if !private_networks {
            builder = builder.dns_resolver(Arc::new(PublicAddressesOnly));
        }
        let http = builder.build().map_err(|e| e.to_string())?;
        Ok(RosterFetcher {
            db,
            http,
            poll,
            limit,
            base_url,
            owner: new_id(),
            private_networks,
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

    /// Fetches and syncs due sources one at a time, each claimed just before its fetch (so
    /// several instances share a night's work and a lease never outlives its fetch), until none
    /// is due; returns how many it handled.
    pub async fn fetch_due(&self) -> Result<usize, ApiError> {
        let mut count = 0;
        loop {
            let owner = self.owner.clone();
            let claimed = crate::db::run(&self.db, move |conn| {
                roster_sources::claim_due(conn, &owner, now() + Span::seconds(LEASE_SECONDS), 1)
            })
            .await?;
            let Some(source) = claimed.into_iter().next() else {
                return Ok(count);
            };
            count += 1;
            let school_id = source.school_id.clone();
            if let Err(err) = self.fetch_one(source).await {
                // The failure is in the school's sync runs; the log names no data.
                log::warn!("roster fetch for school {school_id} failed: {err}");
            }
        }
    }

    async fn fetch_one(&self, source: RosterSourceRow) -> Result<(), ApiError> {
        let fetched = self.download(&source.url).await;
        let base_url = self.base_url.clone();
        let owner = self.owner.clone();
        crate::db::run(&self.db, move |conn| {
            let result = sync_fetched(conn, &source.school_id, &base_url, fetched);
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

    /// The file at `url`, read up to the roster size limit. Where private networks are allowed,
    /// connection failures and HTTP errors all read the same (see [`FetchError::Internal`]),
    /// wherever the URL or a redirect leads.
    async fn download(&self, url: &str) -> Result<String, FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| FetchError::Refused("is not a URL"))?;
        fetchable(&parsed, self.private_networks).map_err(FetchError::Refused)?;
        match self.download_from(parsed).await {
            Err(err @ (FetchError::Unreachable(_) | FetchError::Status(_)))
                if self.private_networks =>
            {
                log::warn!("roster fetch failed: {err}");
                Err(FetchError::Internal)
            }
            result => result,
        }
    }

    async fn download_from(&self, parsed: reqwest::Url) -> Result<String, FetchError> {
        let response = self
            .http
            .get(parsed)
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
