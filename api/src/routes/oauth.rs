//! The OAuth2 token endpoint for integration clients (client-credentials grant, RFC 6749 §4.4),
//! and what a client can ask about itself.

use actix_web::http::header;
use actix_web::{HttpRequest, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::client::{ClientPrincipal, Scope, token_scopes};
use persistence::clients;
use persistence::ids::uuid;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::auth::{AuthenticatedClient, refresh};
use crate::db;
use crate::error::ApiError;
use crate::extract::Form;
use crate::routes::clients::ScopeName;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_token);
}

pub fn configure_api(cfg: &mut ServiceConfig) {
    cfg.service(get_integration_client);
}

/// A token request (`application/x-www-form-urlencoded`). The client authenticates with HTTP
/// Basic (`client_id:client_secret`) or with both fields in the body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct TokenRequest {
    /// Must be `client_credentials`.
    #[schema(max_length = 32, example = "client_credentials")]
    pub grant_type: Option<String>,
    #[schema(max_length = 64)]
    pub client_id: Option<String>,
    #[schema(max_length = 128)]
    pub client_secret: Option<String>,
    /// Space-separated scopes to ask for; all the client's scopes when absent.
    #[schema(max_length = 256, example = "roster:write")]
    pub scope: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClientToken {
    #[schema(max_length = 4096)]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(max_length = 16)]
    pub token_type: String,
    #[schema(minimum = 1, maximum = 86400)]
    pub expires_in: u64,
    /// The scopes granted, space-separated.
    #[schema(max_length = 256)]
    pub scope: String,
}

fn refused(code: &'static str, description: &'static str) -> ApiError {
    ApiError::OAuth { code, description }
}

fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Get an access token (integration clients)
///
/// The OAuth2 client-credentials grant. The token carries the client's board, school and scopes.
/// Refusals follow RFC 6749 §5.2: the problem's `error` is `invalid_request`, `invalid_client`
/// (401), `unsupported_grant_type` or `invalid_scope`.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_token",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A token.", body = ClientToken),
        (status = 401, description = "Unknown client or wrong secret (`invalid_client`).", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/token")]
async fn create_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: Form<TokenRequest>,
) -> Result<web::Json<ClientToken>, ApiError> {
    let TokenRequest {
        grant_type,
        client_id,
        client_secret,
        scope,
    } = form.0;
    match grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return Err(refused(
                "unsupported_grant_type",
                "Only `client_credentials` is supported.",
            ));
        }
        None => return Err(refused("invalid_request", "`grant_type` is required.")),
    }
    let (id, secret) = match (basic_credentials(&req), client_id, client_secret) {
        (Some(credentials), _, _) => credentials,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => {
            return Err(refused(
                "invalid_client",
                "Authenticate with HTTP Basic or client_id and client_secret.",
            ));
        }
    };
    let requested = match scope.as_deref().map(Scope::parse_list) {
        Some(None) => return Err(refused("invalid_scope", "A requested scope is unknown.")),
        Some(Some(scopes)) => Some(scopes),
        None => None,
    };
    let row = match uuid::Uuid::parse_str(&id) {
        Ok(id) => {
            db::run(&state.db, move |conn| {
                clients::find_active(conn, &id.to_string())
            })
            .await?
        }
        Err(_) => None,
    };
    let row = row
        .filter(|row| refresh::hash(&secret) == row.secret_hash)
        .ok_or_else(|| {
            refused(
                "invalid_client",
                "The client is unknown or the secret is wrong.",
            )
        })?;
    let granted = Scope::parse_list(&row.scopes).unwrap_or_default();
    let scopes = token_scopes(&granted, requested.as_deref()).ok_or_else(|| {
        refused(
            "invalid_scope",
            "A requested scope is not granted to this client.",
        )
    })?;
    let principal = ClientPrincipal {
        client_id: uuid(&row.id),
        board_id: uuid(&row.board_id),
        school_id: row.school_id.as_deref().map(uuid),
        scopes,
    };
    Ok(web::Json(ClientToken {
        access_token: state
            .tokens
            .issue_client(&principal)
            .map_err(ApiError::internal)?,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.ttl().as_secs(),
        scope: Scope::join(&principal.scopes),
    }))
}

/// What a client token allows.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IntegrationClientInfo {
    pub client_id: uuid::Uuid,
    pub board_id: uuid::Uuid,
    /// Set when the client is limited to one school.
    pub school_id: Option<uuid::Uuid>,
    #[schema(max_items = 10)]
    pub scopes: Vec<ScopeName>,
}

/// Get the calling integration client
///
/// For LAS vendors to check their set-up: the board, school and scopes of the token.
#[utoipa::path(
    tag = "integration",
    operation_id = "get_integration_client",
    responses((status = 200, description = "The client.", body = IntegrationClientInfo)),
    security(("client_credentials" = []))
)]
#[get("/integration/me")]
async fn get_integration_client(client: AuthenticatedClient) -> web::Json<IntegrationClientInfo> {
    let client = client.0;
    web::Json(IntegrationClientInfo {
        client_id: client.client_id,
        board_id: client.board_id,
        school_id: client.school_id,
        scopes: client.scopes.iter().copied().map(ScopeName::from).collect(),
    })
}
