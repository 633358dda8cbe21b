//! The disclosure register (verwerkingsregister, issue #14 item 3) over HTTP: the handlers
//! extract, convert, call one function of [`crate::services::disclosures`] and answer.

mod dto;
mod handlers;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_disclosures)
        .service(handlers::create_disclosure)
        .service(handlers::get_disclosure)
        .service(handlers::update_disclosure)
        .service(handlers::delete_disclosure);
}
