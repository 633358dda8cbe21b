//! Choosing a password: with the activation link of an invitation, or after a reset.

use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use domain::email::EmailAddress;
use domain::mail::Language;
use persistence::{account_tokens, transaction};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::accounts::{self, LinkUse};
use crate::auth::password;
use crate::db;
use crate::error::ApiError;
use crate::extract::Json;
use crate::routes::auth::{TokenResponse, open_session};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_activation)
        .service(create_link_confirmation)
        .service(create_password_reset)
        .service(create_password_reset_confirmation);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkToken {
    /// The token from the link (the part after `#token=`).
    #[schema(min_length = 1, max_length = 128)]
    #[validate(length(min = 1, max = 128))]
    pub token: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// The token from the link (the part after `#token=`).
    #[schema(min_length = 1, max_length = 128)]
    #[validate(length(min = 1, max = 128))]
    pub token: String,
    /// 12 to 128 characters.
    #[schema(format = Password, min_length = 12, max_length = 128)]
    #[validate(length(min = 12, max = 128))]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(min_length = 1, max_length = 254)]
    #[validate(length(min = 1, max = 254))]
    pub email: String,
}

fn invalid_link() -> ApiError {
    ApiError::Conflict(
        "This link is unknown, expired or already used; ask for a new one.".to_owned(),
    )
}

/// Hashes a new password for a link, under the instance's hashing bound; a link that is not valid
/// is refused first, so unknown tokens cost no hashing.
async fn hash(
    state: &AppState,
    purpose: &'static str,
    token: &str,
    password: String,
) -> Result<String, ApiError> {
    let admission = state.hashing.admit()?;
    let token = token.to_owned();
    let valid = db::run(&state.db, move |conn| {
        accounts::link_is_valid(conn, purpose, &token)
    })
    .await?;
    if !valid {
        return Err(invalid_link());
    }
    admission
        .run(move || password::hash(&password))
        .await?
        .map_err(ApiError::internal)
}

/// Activate an account
///
/// Sets the password with the single-use link of an invitation, and signs in; the school's record
/// joins the account. The link of an account that was activated since (through another school's
/// link) only adds its record: the answer is 409 and the password stays as it is.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_activation",
    request_body = SetPassword,
    responses(
        (status = 200, description = "The account is active; signed in.", body = TokenResponse),
        (status = 409, description = "The link is unknown, expired or used; or the account was active already (its record is now added: sign in).", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/activation")]
async fn create_activation(
    state: web::Data<AppState>,
    body: Json<SetPassword>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let SetPassword { token, password } = body.0;
    let password_hash = hash(&state, account_tokens::ACTIVATION, &token, password).await?;
    let session_state = state.clone();
    let tokens = db::run(&state.db, move |conn| {
        transaction(conn, |conn| {
            match accounts::use_link(conn, account_tokens::ACTIVATION, &token, &password_hash)? {
                LinkUse::PasswordSet { account_id } => {
                    open_session(conn, &session_state, &account_id).map(Some)
                }
                // Committed (the record is added), then answered as a conflict.
                LinkUse::AlreadyActive => Ok(None),
                LinkUse::Invalid | LinkUse::Confirmed => Err(invalid_link()),
            }
        })
    })
    .await?;
    // A record may have joined the account: this instance reads the caller again; and a new
    // password ended the account's other sessions.
    state.callers.clear();
    state.session_feed.catch_up(&state.db).await;
    tokens.map(web::Json).ok_or_else(|| {
        ApiError::Conflict(
            "This account is already active; the school's record is now added to it. Sign in \
             with your password."
                .to_owned(),
        )
    })
}

/// Confirm a school's link to your account
///
/// A school holds the e-mail address of an existing account for one of its guardians or staff: it
/// mailed this single-use link (valid 7 days) to that address. Using it links the school's record to
/// the account, if the record still holds the account's address; until then the account sees
/// nothing of that school. Needs no sign-in: the link itself proves the address.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_link_confirmation",
    request_body = LinkToken,
    responses(
        (status = 204, description = "Confirmed."),
        (status = 409, description = "The link is unknown, expired or used.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/link-confirmation")]
async fn create_link_confirmation(
    state: web::Data<AppState>,
    body: Json<LinkToken>,
) -> Result<HttpResponse, ApiError> {
    let token = body.0.token;
    db::run(&state.db, move |conn| {
        transaction(conn, |conn| match accounts::confirm_link(conn, &token)? {
            LinkUse::Confirmed => Ok(()),
            _ => Err(invalid_link()),
        })
    })
    .await?;
    state.callers.clear();
    Ok(HttpResponse::NoContent().finish())
}

/// Ask for a password reset
///
/// Sends a single-use link (valid 60 minutes) to the address, if an account has it; a new link ends
/// the earlier ones, and at most 3 are sent per hour. The answer is the same whether or not an
/// account has the address, and whether or not a link was sent.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_password_reset",
    request_body = ResetRequest,
    responses((status = 202, description = "If an account has this address, a link is on its way.")),
    security(())
)]
#[post("/auth/password-reset")]
async fn create_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<ResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let language = Language::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let base_url = state.config.public_base_url.clone();
    if let Ok(email) = EmailAddress::parse(body.0.email.trim()) {
        db::run(&state.db, move |conn| {
            transaction(conn, |conn| {
                accounts::request_reset(conn, email.as_str(), &base_url, language)
            })
        })
        .await?;
    }
    Ok(HttpResponse::Accepted().finish())
}

/// Choose a new password
///
/// Sets the password with the single-use link of a reset. Every session of the account ends.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_password_reset_confirmation",
    request_body = SetPassword,
    responses(
        (status = 204, description = "The password is changed."),
        (status = 409, description = "The link is unknown, expired or used.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/password-reset/confirmation")]
async fn create_password_reset_confirmation(
    state: web::Data<AppState>,
    body: Json<SetPassword>,
) -> Result<HttpResponse, ApiError> {
    let SetPassword { token, password } = body.0;
    let password_hash = hash(&state, account_tokens::PASSWORD_RESET, &token, password).await?;
    db::run(&state.db, move |conn| {
        transaction(conn, |conn| {
            match accounts::use_link(conn, account_tokens::PASSWORD_RESET, &token, &password_hash)?
            {
                LinkUse::PasswordSet { .. } => Ok(()),
                _ => Err(invalid_link()),
            }
        })
    })
    .await?;
    // The new password ended the account's sessions: refused here at once.
    state.session_feed.catch_up(&state.db).await;
    Ok(HttpResponse::NoContent().finish())
}
