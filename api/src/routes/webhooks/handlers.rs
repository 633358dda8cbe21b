//! One handler per operation: extract, convert, one service call, answer.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use domain::notify::EventKind;
use domain::notify::webhook_delivery::{description, subscription};
use persistence::ids::now;
use persistence::webhooks::endpoints::EndpointChanges;
use uuid::Uuid;

use super::dto::{
    CreateWebhook, UpdateWebhook, Webhook, WebhookDelivery, WebhookEventType, WebhookWithSecret,
};
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::{JsonBody, Query};
use crate::roster_fetch::fetchable;
use crate::routes::pagination::{Page, PageParams};
use crate::services::webhooks::{self as service, Registration};
use crate::state::AppState;

/// The URL as stored, if the portal may send to it: the roster fetch's rules (`https`, no IP
/// literal of a private network unless the operator allows those). Host names are checked again
/// at every send, against every address they resolve to.
fn checked_url(raw: &str, private_networks: bool) -> Result<String, ApiError> {
    let refuse =
        |message: &str| ApiError::Validation(vec![FieldError::new("url", "invalid_url", message)]);
    let url = reqwest::Url::parse(raw.trim()).map_err(|_| refuse("is not a URL"))?;
    fetchable(&url, private_networks).map_err(refuse)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not hold a user name or password"));
    }
    let url = url.to_string();
    // Written out, a URL can grow (percent-encoding): the stored form keeps the contract's bound.
    if url.len() > 2000 {
        return Err(refuse("is longer than 2000 characters"));
    }
    Ok(url)
}

fn checked_types(types: &[WebhookEventType]) -> Result<Vec<EventKind>, ApiError> {
    let kinds: Vec<EventKind> = types.iter().copied().map(EventKind::from).collect();
    subscription(&kinds).map_err(|e| ApiError::invalid("event_types", e))
}

fn secret() -> Result<String, ApiError> {
    service::new_secret().map_err(ApiError::internal)
}

/// Register a webhook endpoint
///
/// For the school's admins and its board's. The endpoint is sent a `POST` with a
/// `WebhookEvent` body for each event of the subscribed types at the school (see the
/// `WebhookEvent` schema for the headers and how to verify the signature). The answer holds the
/// signing secret, this once. Refused (422): a URL that is not `https`, or that points at a
/// private network, and no event types. No `Idempotency-Key`: the answer holds a secret, which
/// the portal does not keep a second copy of; a retried registration makes a second endpoint,
/// which can be deleted.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "create_webhook",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = CreateWebhook,
    responses((status = 201, description = "The endpoint, with its secret.", body = WebhookWithSecret,
               headers(("Location" = String, description = "The endpoint.")))),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/webhooks")]
pub async fn create_webhook(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let school_id = path.into_inner().to_string();
    let (checker, school) = (auth.clone(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_register(conn, &checker.0, &checker.audit(), &school)
    })
    .await?;
    let input: CreateWebhook = body.parse().await?;
    let registration = Registration {
        url: checked_url(&input.url, state.config.webhook_private_networks)?,
        description: description(input.description.as_deref())
            .map_err(|e| ApiError::invalid("description", e))?,
        event_types: checked_types(&input.event_types)?,
    };
    let secret = secret()?;
    let shown = secret.clone();
    let endpoint = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::register(
            conn,
            actor,
            &audit,
            &school_id,
            &registration,
            &secret,
            now(),
        )
    })
    .await?;
    let webhook = Webhook::from(endpoint);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", webhook.id)))
        .json(WebhookWithSecret {
            webhook,
            secret: shown,
        }))
}

/// List a school's webhook endpoints
///
/// In the order they were registered; without their secrets.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhooks",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."), PageParams),
    responses((status = 200, description = "A page of endpoints.", body = Page<Webhook>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/webhooks")]
pub async fn list_webhooks(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<Webhook>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::list(conn, actor, &audit, &school_id, cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, Webhook::from)))
}

/// Read a webhook endpoint
///
/// Without its secret. For the admins of its school and its board; it does not exist for
/// anyone else (404).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "get_webhook",
    params(("webhook_id" = String, Path, format = Uuid, max_length = 36, description = "The endpoint.")),
    responses((status = 200, description = "The endpoint.", body = Webhook)),
    security(("bearer" = []))
)]
#[get("/webhooks/{webhook_id}")]
pub async fn get_webhook(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<Webhook>, ApiError> {
    let id = path.into_inner().to_string();
    let endpoint = db::run(&state.db, move |conn| service::get(conn, &auth.0, &id)).await?;
    Ok(web::Json(endpoint.into()))
}

/// Change a webhook endpoint
///
/// Its URL (the same rules as when registering), event types, description, and whether it is
/// active: `active: true` enables an endpoint that was disabled after 5 deliveries in a row
/// failed; the deliveries that waited meanwhile are sent.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "update_webhook",
    params(("webhook_id" = String, Path, format = Uuid, max_length = 36, description = "The endpoint.")),
    request_body = UpdateWebhook,
    responses((status = 200, description = "The endpoint as it is now.", body = Webhook)),
    security(("bearer" = []))
)]
#[patch("/webhooks/{webhook_id}")]
pub async fn update_webhook(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<Webhook>, ApiError> {
    let id = path.into_inner().to_string();
    let (checker, endpoint) = (auth.clone(), id.clone());
    db::run(&state.db, move |conn| {
        service::get(conn, &checker.0, &endpoint).map(drop)
    })
    .await?;
    let input: UpdateWebhook = body.parse().await?;
    let private_networks = state.config.webhook_private_networks;
    let changes = EndpointChanges {
        url: input
            .url
            .map(|url| checked_url(&url, private_networks))
            .transpose()?,
        description: input
            .description
            .map(|text| description(Some(&text)))
            .transpose()
            .map_err(|e| ApiError::invalid("description", e))?,
        event_types: input
            .event_types
            .as_deref()
            .map(checked_types)
            .transpose()?,
        active: input.active,
    };
    let endpoint = db::run(&state.db, move |conn| {
        service::update(conn, &auth.0, &auth.audit(), &id, changes, now())
    })
    .await?;
    Ok(web::Json(endpoint.into()))
}

/// Delete a webhook endpoint
///
/// Nothing more is sent to it; its deliveries go with it.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "delete_webhook",
    params(("webhook_id" = String, Path, format = Uuid, max_length = 36, description = "The endpoint.")),
    responses((status = 204, description = "Deleted.")),
    security(("bearer" = []))
)]
#[delete("/webhooks/{webhook_id}")]
pub async fn delete_webhook(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        service::delete(conn, &auth.0, &auth.audit(), &id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook endpoint's secret
///
/// A new secret signs every request from now on (also retries of earlier deliveries); the old
/// one stops at once. The answer holds the new secret, this once.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "rotate_webhook_secret",
    params(("webhook_id" = String, Path, format = Uuid, max_length = 36, description = "The endpoint.")),
    responses((status = 200, description = "The endpoint with its new secret.", body = WebhookWithSecret)),
    security(("bearer" = []))
)]
#[post("/webhooks/{webhook_id}/secret")]
pub async fn rotate_webhook_secret(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<WebhookWithSecret>, ApiError> {
    let id = path.into_inner().to_string();
    let secret = secret()?;
    let shown = secret.clone();
    let endpoint = db::run(&state.db, move |conn| {
        service::rotate_secret(conn, &auth.0, &auth.audit(), &id, &secret, now())
    })
    .await?;
    Ok(web::Json(WebhookWithSecret {
        webhook: endpoint.into(),
        secret: shown,
    }))
}

/// List a webhook endpoint's deliveries
///
/// Newest first, each with the payload sent and its latest attempts: when, how long, and the
/// status the endpoint answered or why it could not be reached.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    params(("webhook_id" = String, Path, format = Uuid, max_length = 36, description = "The endpoint."), PageParams),
    responses((status = 200, description = "A page of deliveries.", body = Page<WebhookDelivery>)),
    security(("bearer" = []))
)]
#[get("/webhooks/{webhook_id}/deliveries")]
pub async fn list_webhook_deliveries(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<WebhookDelivery>>, ApiError> {
    let id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        service::deliveries(conn, &auth.0, &id, cursor.as_deref(), limit)
    })
    .await?;
    let items = page
        .items
        .into_iter()
        .map(|(delivery, attempts)| WebhookDelivery::new(delivery, attempts))
        .collect::<Result<_, _>>()?;
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// Send a delivery again
///
/// Due at once (within seconds) with a fresh schedule of retries, whether it was delivered,
/// given up or is still pending: for a receiver that lost what it got, or was fixed. The
/// payload and the delivery's id are the same; the signature is new. Refused (409) while the
/// endpoint is disabled.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "replay_webhook_delivery",
    params(
        ("webhook_id" = String, Path, format = Uuid, max_length = 36, description = "The endpoint."),
        ("delivery_id" = String, Path, format = Uuid, max_length = 36, description = "The delivery.")
    ),
    responses((status = 202, description = "The delivery, due now.", body = WebhookDelivery)),
    security(("bearer" = []))
)]
#[post("/webhooks/{webhook_id}/deliveries/{delivery_id}/replay")]
pub async fn replay_webhook_delivery(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let delivery = db::run(&state.db, move |conn| {
        let (id, delivery_id) = (id.to_string(), delivery_id.to_string());
        service::replay(conn, &auth.0, &auth.audit(), &id, &delivery_id, now())
    })
    .await?;
    Ok(HttpResponse::Accepted().json(WebhookDelivery::new(delivery, Vec::new())?))
}
