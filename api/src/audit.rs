//! Writing the audit log from handlers: reads of personal data, changes, refusals and sign-ins.
//! Events are written on the request's own connection, before the answer leaves, so no read goes
//! unrecorded.

use persistence::audit::{self, NewEvent};
use persistence::{AnyConnection, Database, RepoError};

use crate::db;
use crate::error::ApiError;

/// Who is acting in this request.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    pub account_id: Option<String>,
    pub request_id: Option<String>,
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
                action,
                object_type: object.kind,
                object_id: object.id,
                school_id: object.school_id,
                outcome,
            },
        )
    }

    /// Records a read of personal data.
    pub fn read(&self, conn: &mut AnyConnection, object: Object<'_>) -> Result<(), RepoError> {
        self.record(conn, "read", object, "ok")
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
