//! Sign-up forms (issue #13) over HTTP: the handlers extract, convert, call one function of
//! [`crate::services::forms`] and answer. The contract's shapes are in [`dto`] and
//! [`response_dto`].

mod dto;
mod forms;
mod response_dto;
mod responses;
mod results;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;
pub use response_dto::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(forms::create_form)
        .service(forms::list_forms)
        .service(forms::list_my_forms)
        .service(forms::get_form)
        .service(forms::remind_form)
        .service(forms::allocate_form)
        .service(results::get_form_results)
        .service(responses::create_form_response)
        .service(responses::get_my_form_response)
        .service(responses::get_form_response)
        .service(responses::update_form_response)
        .service(responses::delete_form_response);
}
