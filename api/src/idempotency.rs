//! `Idempotency-Key` on creates (SPEC §13): the first answer to a key is stored with the object it
//! created, in one transaction; the same request with the same key gets that answer again
//! (`Idempotent-Replayed: true`), another request under it 422, a concurrent duplicate 409.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use chrono::Duration;
use domain::idempotency::{KEEP_HOURS, Repeat, parse_key, repeat};
use persistence::AnyConnection;
use persistence::idempotency::{self, StoredAnswer};
use persistence::ids::now;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, FieldError};

pub const HEADER: &str = "Idempotency-Key";

/// The optional `Idempotency-Key` header with the request it came with (method and path); 400
/// when it is malformed.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: Option<String>,
    method: String,
    path: String,
}

impl IdempotencyKey {
    /// The caller's claim on the key for this request and body; `None` without a key.
    pub fn claim(self, account_id: &str, body: &impl serde::Serialize) -> Option<Claim> {
        Claim::new(account_id, self.key, &self.method, &self.path, body)
    }
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let with = |key| IdempotencyKey {
            key,
            method: req.method().to_string(),
            path: req.path().to_owned(),
        };
        let Some(value) = req.headers().get(HEADER) else {
            return ready(Ok(with(None)));
        };
        let parsed = value
            .to_str()
            .map_err(|_| domain::Invalid::new("invalid_idempotency_key", "must be visible ASCII"))
            .and_then(parse_key);
        ready(
            parsed
                .map(|key| with(Some(key)))
                .map_err(|invalid| ApiError::BadRequest {
                    detail: "A header is not valid; see `errors`.".to_owned(),
                    errors: vec![FieldError::from(("header.Idempotency-Key", invalid))],
                }),
        )
    }
}

/// A key as the caller's: who sent it, the key, and what the request was.
#[derive(Debug, Clone)]
pub struct Claim {
    pub account_id: String,
    pub key: String,
    pub fingerprint: String,
}

impl Claim {
    /// For a request with a key: the method, the path and the body identify the request.
    fn new(
        account_id: &str,
        key: Option<String>,
        method: &str,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Option<Claim> {
        let key = key?;
        let body = serde_json::to_string(body).unwrap_or_default();
        let digest = Sha256::digest(format!("{method} {path}\n{body}").as_bytes());
        Some(Claim {
            account_id: account_id.to_owned(),
            key,
            fingerprint: digest.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    /// The first answer when this is a repeat of the same request; 422 when the key was used
    /// for another one.
    pub fn prior(&self, conn: &mut AnyConnection) -> Result<Option<StoredAnswer>, ApiError> {
        let since = now() - Duration::hours(KEEP_HOURS);
        let Some(stored) = idempotency::find(conn, &self.account_id, &self.key, since)? else {
            return Ok(None);
        };
        match repeat(&stored.fingerprint, &self.fingerprint) {
            Repeat::Replay => Ok(Some(stored)),
            Repeat::Misuse => Err(ApiError::Validation(vec![FieldError::new(
                "header.Idempotency-Key",
                "idempotency_key_reused",
                "was used for another request; use a new key for a new request",
            )])),
        }
    }

    /// Stores the answer; call it in the create's transaction.
    pub fn remember(
        &self,
        conn: &mut AnyConnection,
        status: StatusCode,
        body: &impl serde::Serialize,
    ) -> Result<(), ApiError> {
        let at = now();
        let answer = StoredAnswer {
            account_id: self.account_id.clone(),
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            status: i32::from(status.as_u16()),
            body: serde_json::to_string(body).map_err(ApiError::internal)?,
            created_at: at,
        };
        idempotency::store(conn, &answer, at - Duration::hours(KEEP_HOURS))?;
        Ok(())
    }
}

/// The stored first answer, sent again.
pub fn replay(answer: StoredAnswer) -> HttpResponse {
    let status = u16::try_from(answer.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    HttpResponse::build(status)
        .content_type("application/json")
        .insert_header(("Idempotent-Replayed", "true"))
        .body(answer.body)
}

/// What a create under an optional key answers: the new object, or the first answer to a repeat.
pub enum Created<T> {
    New(T),
    Replayed(StoredAnswer),
}

/// The stored first answer when this request repeats an earlier one under its key (422 when the
/// key was used for another request); `None` without a key or for a first request.
pub fn replayed(
    claim: Option<&Claim>,
    conn: &mut AnyConnection,
) -> Result<Option<StoredAnswer>, ApiError> {
    Ok(claim.map(|c| c.prior(conn)).transpose()?.flatten())
}

/// Remembers `answer` under the key, in the create's transaction, and hands it on as new.
pub fn remembered<T: serde::Serialize>(
    claim: Option<&Claim>,
    conn: &mut AnyConnection,
    answer: T,
) -> Result<Created<T>, ApiError> {
    if let Some(claim) = claim {
        claim.remember(conn, StatusCode::CREATED, &answer)?;
    }
    Ok(Created::New(answer))
}

impl<T: serde::Serialize> Created<T> {
    /// 201 with the new object's `Location`, or the stored first answer again.
    pub fn respond(self, location: impl FnOnce(&T) -> String) -> HttpResponse {
        match self {
            Created::New(answer) => HttpResponse::Created()
                .insert_header((actix_web::http::header::LOCATION, location(&answer)))
                .json(answer),
            Created::Replayed(answer) => replay(answer),
        }
    }
}
