//! Authentication is a type: a handler that takes [`Authenticated`] cannot be reached without a
//! valid bearer token.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use domain::actor::Actor;

use crate::error::ApiError;
use crate::state::AppState;

/// The verified caller of a request.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Actor);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Authenticated, ApiError> {
    let keys = req
        .app_data::<web::Data<AppState>>()
        .map(|state| &state.tokens)
        .ok_or_else(|| ApiError::internal("application state is not configured"))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .ok_or(ApiError::Unauthenticated)?;
    let actor = keys.verify(token).map_err(|err| {
        log::info!("bearer token rejected: {err}");
        ApiError::Unauthenticated
    })?;
    Ok(Authenticated(actor))
}
