//! Webhooks (SPEC §6, issue #10 item 10) over HTTP: a school's admins register endpoints, read
//! their deliveries and replay them. The handlers extract, convert, call one function of
//! [`crate::services::webhooks`] and answer; the contract's shapes, the event payload among
//! them, are in [`dto`].

mod dto;
mod handlers;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::create_webhook)
        .service(handlers::list_webhooks)
        .service(handlers::get_webhook)
        .service(handlers::update_webhook)
        .service(handlers::delete_webhook)
        .service(handlers::rotate_webhook_secret)
        .service(handlers::list_webhook_deliveries)
        .service(handlers::replay_webhook_delivery);
}
