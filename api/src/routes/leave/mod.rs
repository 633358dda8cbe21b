//! Leave requests (verlof, issue #11) over HTTP: the handlers extract, convert, call one function
//! of [`crate::services::leave`] and answer. The contract's shapes are in [`dto`]. A handler whose
//! request has a body authorizes the caller first and reads the body after (`JsonBody`).

mod dto;
mod handlers;
mod record;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;
pub use record::LeaveDecisionRecord;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::create_leave_request)
        .service(handlers::list_pupil_leave_requests)
        .service(handlers::list_school_leave_requests)
        .service(handlers::get_leave_request)
        .service(handlers::decide_leave_request)
        .service(handlers::record_officer_decision)
        .service(handlers::withdraw_leave_request)
        .service(record::get_leave_decision_record);
}
