//! Consent and sharing (issue #14): the school's purposes, guardians' decisions per pupil or for
//! themselves with the history, the school's per-purpose pupil list, medical notes and the
//! group's contact list. A handler with a body authorizes the caller first and reads the body
//! after.

mod decisions;
pub(crate) mod dto;

pub use dto::*;
mod purposes;
mod sharing;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::routes::pagination::PageParams;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(purposes::list_consent_purposes)
        .service(purposes::create_consent_purpose)
        .service(purposes::update_consent_purpose)
        .service(purposes::list_purpose_pupils)
        .service(decisions::list_pupil_consents)
        .service(decisions::set_pupil_consent)
        .service(decisions::list_pupil_consent_history)
        .service(decisions::list_guardian_consents)
        .service(decisions::set_guardian_consent)
        .service(decisions::list_guardian_consent_history)
        .service(sharing::get_medical_note)
        .service(sharing::set_medical_note)
        .service(sharing::delete_medical_note)
        .service(sharing::list_group_medical_notes)
        .service(sharing::list_group_contacts);
}

/// A page size from `?limit=`.
fn limit(value: Option<u32>) -> Result<u16, ApiError> {
    PageParams {
        limit: value,
        cursor: None,
    }
    .page_size()
    .map(|size| size.get())
}
