//! The school calendar (issue #11) over HTTP: read, set, and export as iCalendar.

mod dto;
mod handlers;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::get_school_calendar)
        .service(handlers::export_school_calendar)
        .service(handlers::update_school_calendar);
}
