//! Signing in, refreshing and signing out.

use actix_web::{HttpRequest, HttpResponse, post, web};
use domain::email::EmailAddress;
use domain::session::{
    ATTEMPT_WINDOW_MINUTES, ATTEMPTS_PER_ACCOUNT, ATTEMPTS_PER_ADDRESS, RefreshDecision,
    RefreshTokenState, attempt_window_cutoff, decide_refresh, refresh_token_expiry,
};
use persistence::ids::now;
use persistence::{AnyConnection, RepoError, accounts, sessions, transaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::{Audit, Object};
use crate::auth::{password, refresh};
use crate::db;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;
use crate::{client, telemetry};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_login)
        .service(create_token_refresh)
        .service(create_logout);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "beheer@ouderportaal.example", "password": "a long secret passphrase"}))]
pub struct LoginRequest {
    /// Not checked for shape: an address that is not one simply has no account.
    #[schema(min_length = 1, max_length = 254)]
    #[validate(length(min = 1, max = 254))]
    pub email: String,
    #[schema(format = Password, min_length = 1, max_length = 128)]
    #[validate(length(min = 1, max = 128))]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh. Each can be used once.
    #[schema(min_length = 1, max_length = 128)]
    #[validate(length(min = 1, max = 128))]
    pub refresh_token: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9…", "token_type": "Bearer", "expires_in": 900,
    "refresh_token": "3f1c…", "refresh_expires_in": 2592000
}))]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <access_token>`.
    #[schema(max_length = 4096)]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(max_length = 16)]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(minimum = 1, maximum = 86400)]
    pub expires_in: u64,
    /// Exchange it at `POST /api/v1/auth/refresh` for new tokens; it can be used once.
    #[schema(max_length = 128)]
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    #[schema(minimum = 1, maximum = 31_536_000)]
    pub refresh_expires_in: u64,
}

/// Starts a session and hands out its first tokens.
pub(crate) fn open_session(
    conn: &mut AnyConnection,
    state: &AppState,
    account_id: &str,
) -> Result<TokenResponse, ApiError> {
    let session_id = sessions::start(conn, account_id)?;
    issue(conn, state, account_id, &session_id)
}

fn issue(
    conn: &mut AnyConnection,
    state: &AppState,
    account_id: &str,
    session_id: &str,
) -> Result<TokenResponse, ApiError> {
    let (token, hash) = refresh::new_token().map_err(ApiError::internal)?;
    let issued_at = now();
    let expires_at = refresh_token_expiry(issued_at);
    sessions::add_refresh_token(conn, session_id, &hash, expires_at)?;
    let account = uuid::Uuid::parse_str(account_id).map_err(ApiError::internal)?;
    let session = uuid::Uuid::parse_str(session_id).map_err(ApiError::internal)?;
    Ok(TokenResponse {
        access_token: state
            .tokens
            .issue(account, session)
            .map_err(ApiError::internal)?,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.ttl().as_secs(),
        refresh_token: token,
        refresh_expires_in: u64::try_from((expires_at - issued_at).num_seconds()).unwrap_or(0),
    })
}

/// Records a sign-in: `target` is the account the address belongs to, if any (also for a failure,
/// so an account's owner and the school can see attempts on it).
fn audit_login(
    conn: &mut AnyConnection,
    actor: Option<&str>,
    target: Option<&str>,
    outcome: &str,
) -> Result<(), RepoError> {
    let audit = Audit {
        account_id: actor.map(str::to_owned),
        request_id: telemetry::current_request_id(),
        client_id: None,
        writer: None,
    };
    audit.record(
        conn,
        "login",
        Object {
            kind: "account",
            id: target,
            school_id: None,
        },
        outcome,
    )
}

/// Throttling subjects are stored as digests: no e-mail or network address in the clear.
fn subject(kind: &str, value: &str) -> String {
    refresh::hash(&format!("{kind}:{value}"))
}

/// Sign in
///
/// Exchanges an e-mail address and password for an access token and a refresh token. A wrong
/// password and an unknown address get the same answer. At most 5 passwords are checked per
/// address in a 15-minute window (and 20 from one network address, an IPv6 /64 counting as one);
/// beyond that sign-in is refused with 429 until the window ends. A right password does not count.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenResponse),
        (status = 401, description = "The e-mail address or password is wrong.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/login")]
async fn create_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    // A place in the hashing queue first: when the server is saturated the answer is 503 at once,
    // and no attempt is counted for a password that was never checked.
    let admission = state.hashing.admit()?;
    let LoginRequest { email, password } = body.0;
    // Throttle on the address as typed, whether or not an account has it: no enumeration.
    let normalised = email.trim().to_lowercase();
    let account_subject = subject("account", &normalised);
    let address_subject = subject(
        "address",
        &client::address(&req, &state.config.proxies).map_or_else(
            || "unknown".to_owned(),
            |ip| client::limit_key(ip).to_string(),
        ),
    );

    let subjects = (account_subject.clone(), address_subject.clone());
    let account = db::run(&state.db, move |conn| {
        let at = now();
        let cutoff = attempt_window_cutoff(at);
        // Counted before the password is checked, atomically: N parallel attempts can never
        // check more than the limit.
        let mut reserved =
            sessions::reserve_attempt(conn, &subjects.1, ATTEMPTS_PER_ADDRESS, at, cutoff)?;
        if reserved
            && !sessions::reserve_attempt(conn, &subjects.0, ATTEMPTS_PER_ACCOUNT, at, cutoff)?
        {
            // No password checked: a throttled account does not spend the address's quota (a
            // school's network is shared by many parents).
            sessions::release_attempt(conn, &subjects.1)?;
            reserved = false;
        }
        if !reserved {
            audit_login(conn, None, None, "throttled")?;
            return Err(ApiError::TooManyRequests {
                retry_after: u64::try_from(ATTEMPT_WINDOW_MINUTES * 60).unwrap_or(900),
            });
        }
        // An address that is not one has no account: the same answer as an unknown one.
        Ok(match EmailAddress::parse(&normalised) {
            Ok(email) => accounts::find_active_by_email(conn, email.as_str())?,
            Err(_) => None,
        })
    })
    .await?;

    let target = account.as_ref().map(|a| a.id.clone());
    let stored = account.as_ref().and_then(|a| a.password_hash.clone());
    let verified = admission
        .run(move || password::check(&password, stored.as_deref()))
        .await?;

    let state_for_session = state.clone();
    let tokens = db::run(&state.db, move |conn| match (verified, target) {
        (true, Some(account_id)) => {
            sessions::clear_attempts(conn, &account_subject)?;
            sessions::release_attempt(conn, &address_subject)?;
            audit_login(conn, Some(&account_id), Some(&account_id), "ok")?;
            transaction(conn, |conn| {
                open_session(conn, &state_for_session, &account_id)
            })
        }
        (_, target) => {
            sessions::prune_attempts(conn, attempt_window_cutoff(now()))?;
            audit_login(conn, None, target.as_deref(), "failed")?;
            Err(ApiError::InvalidCredentials)
        }
    })
    .await?;
    Ok(web::Json(tokens))
}

/// Refresh the tokens
///
/// Exchanges a refresh token for a new access token and a new refresh token. Each refresh token
/// works once: presenting one that was already exchanged ends the whole session (someone else may
/// hold a copy), and the tokens of that session stop working.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_token_refresh",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens.", body = TokenResponse),
        (status = 401, description = "The refresh token is unknown, expired, used or of an ended session.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/refresh")]
async fn create_token_refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let hash = refresh::hash(&body.0.refresh_token);
    let state_for_tokens = state.clone();
    let outcome = db::run(&state.db, move |conn| {
        let Some(token) = sessions::find_token(conn, &hash)? else {
            return Ok::<_, ApiError>(None);
        };
        let decision = decide_refresh(
            RefreshTokenState {
                expires_at: token.expires_at,
                used: token.used,
                session_revoked: token.session_revoked,
            },
            now(),
        );
        let audit = Audit {
            account_id: Some(token.account_id.clone()),
            request_id: telemetry::current_request_id(),
            client_id: None,
            writer: None,
        };
        let object = Object {
            kind: "session",
            id: Some(&token.session_id),
            school_id: None,
        };
        if decision == RefreshDecision::Reject {
            return Ok(None);
        }
        if decision == RefreshDecision::Rotate {
            // Marking the token used and issuing its successor commit together or not at all.
            let rotated = transaction(conn, |conn| {
                if !sessions::mark_used(conn, &token.id)? {
                    return Ok::<_, ApiError>(None);
                }
                issue(
                    conn,
                    &state_for_tokens,
                    &token.account_id,
                    &token.session_id,
                )
                .map(Some)
            })?;
            if rotated.is_some() {
                return Ok(rotated);
            }
            // A concurrent exchange of the same token won: this presentation is a reuse.
        }
        sessions::revoke(conn, &token.session_id)?;
        audit.record(conn, "refresh", object, "reuse_detected")?;
        log::warn!("refresh token reuse: session ended");
        Ok(None)
    })
    .await?;
    if outcome.is_none() {
        // A reuse may have ended the session.
        state.session_feed.catch_up(&state.db).await;
    }
    outcome.map(web::Json).ok_or(ApiError::Unauthenticated)
}

/// Sign out
///
/// Ends the session of the refresh token: its refresh and access tokens stop working. Answers 204
/// also for a token that is unknown or already ended.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_logout",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out.")),
    security(())
)]
#[post("/auth/logout")]
async fn create_logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let hash = refresh::hash(&body.0.refresh_token);
    db::run(&state.db, move |conn| {
        if let Some(token) = sessions::find_token(conn, &hash)? {
            sessions::revoke(conn, &token.session_id)?;
            let audit = Audit {
                account_id: Some(token.account_id.clone()),
                request_id: telemetry::current_request_id(),
                client_id: None,
                writer: None,
            };
            audit.record(
                conn,
                "logout",
                Object {
                    kind: "session",
                    id: Some(&token.session_id),
                    school_id: None,
                },
                "ok",
            )?;
        }
        Ok::<_, ApiError>(())
    })
    .await?;
    // The session's access tokens are refused here at once, elsewhere within the feed's bound.
    state.session_feed.catch_up(&state.db).await;
    Ok(HttpResponse::NoContent().finish())
}
