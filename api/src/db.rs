//! The one boundary between async handlers and blocking diesel work.

use actix_web::web;
use persistence::{AnyConnection, Database, RepoError};

use crate::auth::session_check;
use crate::error::ApiError;
use crate::telemetry;

/// Runs `work` on the blocking thread pool with a pooled connection taken inside it, so a slow query
/// or a wait for a connection never stalls the async workers. The request id follows the work, so
/// its log lines stay traceable.
pub async fn run<T, E, F>(db: &Database, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<RepoError> + Send + 'static,
    ApiError: From<E>,
{
    let db = db.clone();
    let request_id = telemetry::current_request_id();
    // A cached caller's session check rides along with the request's first database work.
    let check = session_check::take();
    let outcome = web::block(move || {
        telemetry::with_request_id(request_id, || {
            let mut conn = db.get().map_err(|err| Failed::Work(E::from(err)))?;
            if let Some(check) = check
                && !check
                    .holds(&mut conn)
                    .map_err(|err| Failed::Work(E::from(err)))?
            {
                return Err(Failed::SessionEnded);
            }
            work(&mut conn).map_err(Failed::Work)
        })
    })
    .await
    .map_err(ApiError::internal)?;
    outcome.map_err(|failed| match failed {
        Failed::Work(err) => ApiError::from(err),
        Failed::SessionEnded => ApiError::Unauthenticated,
    })
}

/// Why a run failed: its work, or the caller's session that was checked first.
enum Failed<E> {
    Work(E),
    SessionEnded,
}
