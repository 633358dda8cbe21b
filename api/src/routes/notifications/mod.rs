//! Notifications over HTTP (SPEC §6): a person's inbox, its live stream and their choices, and a
//! school's settings. The handlers call [`crate::services::notify`]; the shapes are in [`dto`].

mod dto;
mod handlers;
mod stream;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_notifications)
        .service(handlers::mark_notification_read)
        .service(handlers::mark_all_notifications_read)
        .service(stream::notification_stream)
        .service(handlers::get_notification_preferences)
        .service(handlers::update_notification_preferences)
        .service(handlers::get_school_notification_settings)
        .service(handlers::update_school_notification_settings);
}
