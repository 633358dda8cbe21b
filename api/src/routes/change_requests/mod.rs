//! Change requests (SPEC §4) over HTTP: the handlers extract, convert, call one function of
//! [`crate::services::change_requests`] and answer. The contract's shapes are in [`dto`].

mod dto;
mod handlers;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::request_guardian_change)
        .service(handlers::request_pupil_change)
        .service(handlers::list_my_change_requests)
        .service(handlers::get_change_request)
        .service(handlers::decide_change_request)
        .service(handlers::list_school_change_requests)
        .service(handlers::get_change_request_settings)
        .service(handlers::set_change_request_settings);
}
