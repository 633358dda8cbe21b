//! Sign-up forms (issue #13) over HTTP: the handlers extract, convert, call one function of
//! [`crate::services::forms`] and answer. The contract's shapes are in [`dto`] and
//! [`response_dto`].

mod dto;
mod form;
mod question_dto;
mod response_dto;
mod responses;
mod results;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;
pub use question_dto::*;
pub use response_dto::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(form::create_form)
        .service(form::list_forms)
        .service(form::list_my_forms)
        .service(form::get_form)
        .service(form::remind_form)
        .service(form::allocate_form)
        .service(results::get_form_results)
        .service(responses::create_form_response)
        .service(responses::get_my_form_response)
        .service(responses::get_form_response)
        .service(responses::update_form_response)
        .service(responses::delete_form_response);
}
