//! The session check of a caller served from the cache, done in the handler's own trip to the
//! database instead of a trip of its own: the extractor leaves it pending for the request, the
//! first [`crate::db::run`] of the request runs it before its work (and answers 401 if the session
//! ended or the account was disabled), and a middleware around the handler runs it afterwards if no
//! database work took it, replacing the answer with 401 when it fails. So no answer of a handler
//! leaves without the check.

use std::cell::RefCell;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};
use persistence::{AnyConnection, RepoError, sessions};

use crate::error::ApiError;
use crate::state::AppState;

/// A session to check: its id and its account's.
#[derive(Debug, Clone)]
pub struct SessionCheck {
    pub session_id: String,
    pub account_id: String,
}

impl SessionCheck {
    /// Whether the session is live and its account enabled.
    pub fn holds(&self, conn: &mut AnyConnection) -> Result<bool, RepoError> {
        sessions::is_active(conn, &self.session_id, &self.account_id)
    }
}

tokio::task_local! {
    static PENDING: RefCell<Option<SessionCheck>>;
}

/// Leaves the check pending for this request; false outside a request (the caller checks now).
pub fn defer(check: SessionCheck) -> bool {
    PENDING
        .try_with(|pending| *pending.borrow_mut() = Some(check))
        .is_ok()
}

/// The pending check of this request, taken (it runs once).
pub fn take() -> Option<SessionCheck> {
    PENDING
        .try_with(|pending| pending.borrow_mut().take())
        .ok()
        .flatten()
}

/// Middleware around the handler: the scope of the pending check, and the check itself when the
/// handler did no database work.
pub async fn check_after(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    PENDING
        .scope(RefCell::new(None), async move {
            let response = next.call(req).await?;
            let (Some(check), Some(state)) = (take(), state) else {
                return Ok(response.map_into_left_body());
            };
            let holds = crate::db::run(&state.db, move |conn| check.holds(conn)).await;
            match holds {
                Ok(true) => Ok(response.map_into_left_body()),
                Ok(false) => {
                    let (request, _) = response.into_parts();
                    let refused = ApiError::Unauthenticated.error_response();
                    Ok(ServiceResponse::new(request, refused).map_into_right_body())
                }
                Err(err) => {
                    let (request, _) = response.into_parts();
                    Ok(ServiceResponse::new(request, err.error_response()).map_into_right_body())
                }
            }
        })
        .await
}
