//! Signing in with e-mail and password.

use actix_web::{post, web};
use domain::email::EmailAddress;
use persistence::accounts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::password;
use crate::db;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_login);
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

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9…", "token_type": "Bearer", "expires_in": 900}))]
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
}

/// Sign in
///
/// Exchanges an e-mail address and password for an access token. A wrong password and an unknown
/// address get the same answer.
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
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let LoginRequest { email, password } = body.0;
    // An address that is not one has no account: the same answer as an unknown one.
    let account = match EmailAddress::parse(&email) {
        Ok(email) => {
            db::run(&state.db, move |conn| {
                accounts::find_active_by_email(conn, email.as_str())
            })
            .await?
        }
        Err(_) => None,
    };

    // Hashing is CPU work: off the async workers, like database work.
    let verified = web::block(move || match account {
        Some(account) => match &account.password_hash {
            Some(hash) if password::verify(&password, hash) => Some(account),
            _ => None,
        },
        None => {
            password::verify_nothing(&password);
            None
        }
    })
    .await
    .map_err(ApiError::internal)?;

    let account = verified.ok_or(ApiError::InvalidCredentials)?;
    let account_id = uuid::Uuid::parse_str(&account.id).map_err(ApiError::internal)?;
    let access_token = state.tokens.issue(account_id).map_err(ApiError::internal)?;
    log::info!("login succeeded");
    Ok(web::Json(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.ttl().as_secs(),
    }))
}
