//! Integration clients of a board: created by the board's admins, with a secret shown once; listed
//! and revoked by them and the platform operator.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use domain::client::Scope;
use domain::name::DisplayName;
use persistence::clients::{self, ClientRow, NewClient};
use persistence::schools;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::Object;
use crate::auth::{Authenticated, refresh};
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::routes::boards as boards_route;
use crate::routes::fields::NameInput;
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_integration_clients)
        .service(create_integration_client)
        .service(delete_integration_client);
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub enum ScopeName {
    #[serde(rename = "roster:write")]
    RosterWrite,
}

impl From<Scope> for ScopeName {
    fn from(scope: Scope) -> Self {
        match scope {
            Scope::RosterWrite => ScopeName::RosterWrite,
        }
    }
}

impl From<ScopeName> for Scope {
    fn from(scope: ScopeName) -> Self {
        match scope {
            ScopeName::RosterWrite => Scope::RosterWrite,
        }
    }
}

/// An integration client (its secret is never shown again after creation).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IntegrationClient {
    /// The `client_id` for `POST /oauth/token`.
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(format = Uuid, max_length = 36)]
    pub board_id: String,
    /// Set when the client is limited to one school of the board.
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: Option<String>,
    #[schema(max_items = 10)]
    pub scopes: Vec<ScopeName>,
    pub created_at: DateTime<Utc>,
}

impl From<ClientRow> for IntegrationClient {
    fn from(row: ClientRow) -> Self {
        IntegrationClient {
            scopes: row
                .scopes
                .split_whitespace()
                .filter_map(Scope::parse)
                .map(ScopeName::from)
                .collect(),
            id: row.id,
            name: row.name,
            board_id: row.board_id,
            school_id: row.school_id,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// A new client with its secret, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedIntegrationClient {
    #[serde(flatten)]
    pub client: IntegrationClient,
    /// Store it now: it is not shown again.
    #[schema(max_length = 128)]
    pub client_secret: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIntegrationClient {
    pub name: NameInput,
    /// Limit the client to one school of the board.
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: Option<uuid::Uuid>,
    #[schema(min_items = 1, max_items = 10)]
    #[validate(length(min = 1, max = 10))]
    pub scopes: Vec<ScopeName>,
}

/// List a board's integration clients
#[utoipa::path(
    tag = "integration",
    operation_id = "list_integration_clients",
    params(("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board's id."), PageParams),
    responses((status = 200, description = "A page of clients.", body = Page<IntegrationClient>)),
    security(("bearer" = []))
)]
#[get("/boards/{board_id}/integration-clients")]
async fn list_integration_clients(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<IntegrationClient>>, ApiError> {
    let board_id = path.into_inner();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        let board = boards_route::manageable_board(conn, &auth, board_id)?;
        Ok::<_, ApiError>(clients::list_for_board(
            conn,
            &board.id,
            cursor.as_deref(),
            limit,
        )?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, IntegrationClient::from)))
}

/// Create an integration client
///
/// For the board's admins (not the platform operator: a client writes rosters, which name
/// guardians). The answer holds the client secret, once.
#[utoipa::path(
    tag = "integration",
    operation_id = "create_integration_client",
    params(("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board's id.")),
    request_body = CreateIntegrationClient,
    responses(
        (status = 201, description = "The client, with its secret.", body = CreatedIntegrationClient,
         headers(("Location" = String, description = "The board's clients."))),
        (status = 409, description = "`school_id` is not a school of this board.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/boards/{board_id}/integration-clients")]
async fn create_integration_client(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let board_id = path.into_inner();
    let checker = auth.clone();
    db::run(&state.db, move |conn| {
        may_create(conn, &checker, board_id).map(drop)
    })
    .await?;
    let CreateIntegrationClient {
        name,
        school_id,
        scopes,
    } = body.parse().await?;
    let name = DisplayName::parse(&name.0).map_err(|e| ApiError::invalid("name", e))?;
    let mut scopes: Vec<Scope> = scopes.into_iter().map(Scope::from).collect();
    scopes.sort();
    scopes.dedup();
    let (secret, secret_hash) = refresh::new_token().map_err(ApiError::internal)?;
    let row = db::run(&state.db, move |conn| {
        let board = may_create(conn, &auth, board_id)?;
        let school_id = school_id.map(|id| id.to_string());
        // Well-formed but at odds with the board's state: a conflict, not a malformed request.
        if let Some(school_id) = &school_id
            && !schools::is_in_board(conn, &board.id, school_id)?
        {
            return Err(ApiError::Conflict(
                "`school_id` is not a school of this board.".to_owned(),
            ));
        }
        let row = clients::insert(
            conn,
            &NewClient {
                name: name.as_str(),
                board_id: &board.id,
                school_id: school_id.as_deref(),
                scopes: &Scope::join(&scopes),
                secret_hash: &secret_hash,
            },
        )?;
        auth.audit().record(
            conn,
            "create",
            Object {
                kind: "integration_client",
                id: Some(&row.id),
                school_id: None,
            },
            "ok",
        )?;
        Ok(row)
    })
    .await?;
    let client = IntegrationClient::from(row);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/boards/{}/integration-clients", client.board_id),
        ))
        .json(CreatedIntegrationClient {
            client,
            client_secret: secret,
        }))
}

/// The board, when the caller may add clients to it (404 out of scope, 403 recorded).
fn may_create(
    conn: &mut persistence::AnyConnection,
    auth: &Authenticated,
    board_id: uuid::Uuid,
) -> Result<persistence::boards::BoardRow, ApiError> {
    let board = boards_route::manageable_board(conn, auth, board_id)?;
    if !auth.0.may_create_integration_client(board_id) {
        let object = Object {
            kind: "board",
            id: Some(&board.id),
            school_id: None,
        };
        return Err(auth
            .audit()
            .forbidden(conn, "create_integration_client", object));
    }
    Ok(board)
}

/// Revoke an integration client
///
/// Its tokens stop working at once.
#[utoipa::path(
    tag = "integration",
    operation_id = "delete_integration_client",
    params(
        ("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board's id."),
        ("client_id" = String, Path, format = Uuid, max_length = 36, description = "The client's id.")
    ),
    responses((status = 204, description = "Revoked.")),
    security(("bearer" = []))
)]
#[delete("/boards/{board_id}/integration-clients/{client_id}")]
async fn delete_integration_client(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (board_id, client_id) = path.into_inner();
    db::run(&state.db, move |conn| {
        let board = boards_route::manageable_board(conn, &auth, board_id)?;
        let id = client_id.to_string();
        clients::revoke(conn, &board.id, &id)?;
        auth.audit().record(
            conn,
            "revoke",
            Object {
                kind: "integration_client",
                id: Some(&id),
                school_id: None,
            },
            "ok",
        )?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
