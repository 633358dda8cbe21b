//! Writing the audit log from handlers: reads of personal data, changes, refusals and sign-ins.
//! Events are written on the request's own connection, before the answer leaves, so no read goes
//! unrecorded.

use actix_web::HttpMessage;
use std::sync::Arc;

use persistence::audit::{self, AuditRow, NewEvent};
use persistence::{AnyConnection, Database, RepoError};

use crate::audit_writer::AuditWriter;
use crate::db;
use crate::error::ApiError;

/// Who is acting in this request.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    pub account_id: Option<String>,
    /// An integration client's acts name the client.
    pub client_id: Option<String>,
    pub request_id: Option<String>,
    /// Where reads are written off the request's path; without one they are written at once.
    pub writer: Option<Arc<AuditWriter>>,
}

/// What an event is about.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    pub kind: &'a str,
    pub id: Option<&'a str>,
    pub school_id: Option<&'a str>,
}

impl Audit {
    pub fn record(
        &self,
        conn: &mut AnyConnection,
        action: &str,
        object: Object<'_>,
        outcome: &str,
    ) -> Result<(), RepoError> {
        audit::record(
            conn,
            &NewEvent {
                request_id: self.request_id.as_deref(),
                account_id: self.account_id.as_deref(),
                client_id: self.client_id.as_deref(),
                action,
                object_type: object.kind,
                object_id: object.id,
                school_id: object.school_id,
                outcome,
            },
        )
    }

    /// Records a read of personal data: queued for the batch writer (written within milliseconds),
    /// or written at once when there is none or its queue is full.
    pub fn read(&self, conn: &mut AnyConnection, object: Object<'_>) -> Result<(), RepoError> {
        let row = Box::new(AuditRow::of(&NewEvent {
            request_id: self.request_id.as_deref(),
            account_id: self.account_id.as_deref(),
            client_id: self.client_id.as_deref(),
            action: "read",
            object_type: object.kind,
            object_id: object.id,
            school_id: object.school_id,
            outcome: "ok",
        }));
        let unqueued = match &self.writer {
            Some(writer) => writer.push(row).err(),
            None => Some(row),
        };
        match unqueued {
            Some(row) => audit::record_rows(conn, std::slice::from_ref(&*row)),
            None => Ok(()),
        }
    }

    /// Records a refusal and returns the 403 to answer with.
    pub fn forbidden(
        &self,
        conn: &mut AnyConnection,
        action: &str,
        object: Object<'_>,
    ) -> ApiError {
        if let Err(err) = self.record(conn, action, object, "forbidden") {
            return ApiError::from(err);
        }
        ApiError::Forbidden
    }
}

/// Records a refusal decided before any database work, and returns the 403 to answer with.
pub async fn refuse(
    database: &Database,
    audit: Audit,
    action: &'static str,
    kind: &'static str,
) -> ApiError {
    let outcome = db::run(database, move |conn| {
        Ok::<_, ApiError>(audit.forbidden(
            conn,
            action,
            Object {
                kind,
                id: None,
                school_id: None,
            },
        ))
    })
    .await;
    match outcome {
        Ok(forbidden) | Err(forbidden) => forbidden,
    }
}

/// Who an authenticated request came from, kept in the request's extensions by the extractors so
/// that refusals answered 404 can be recorded after the handler (see [`record_not_found`]).
#[derive(Debug, Clone)]
pub struct Acting(pub Audit);

/// Middleware: a request of a known caller answered 404 (an object out of its scope, or one that
/// does not exist: the same answer by design) is an authorization failure to record (SPEC §11).
/// The object is named by the route and the ids in the path; never the body.
pub async fn record_not_found(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let response = next.call(req).await?;
    if response.status() != actix_web::http::StatusCode::NOT_FOUND {
        return Ok(response);
    }
    let acting = response.request().extensions().get::<Acting>().cloned();
    let state = response
        .request()
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .cloned();
    if let (Some(Acting(audit)), Some(state)) = (acting, state) {
        let request = response.request();
        let route = request.match_pattern().unwrap_or_default();
        let object_id = request
            .match_info()
            .iter()
            .map(|(_, value)| value.to_owned())
            .next();
        let action = request.method().as_str().to_ascii_lowercase();
        let recorded = db::run(&state.db, move |conn| {
            audit.record(
                conn,
                &action,
                Object {
                    kind: &route,
                    id: object_id.as_deref(),
                    school_id: None,
                },
                "not_found",
            )
        })
        .await;
        if let Err(err) = recorded {
            log::error!("audit: a refusal could not be recorded: {err}");
        }
    }
    Ok(response)
}
