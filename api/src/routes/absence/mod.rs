//! Absence (SPEC §7) over HTTP: guardians' reports, staff registrations, a school's day, one
//! absence with its history, and the signals for the school's admins.

mod dto;
mod handlers;
mod settings;
mod signals;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;
pub use settings::AbsenceSettings;
pub use signals::{AbsenceSignal, AbsenceSignalKind};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::create_absence_report)
        .service(handlers::list_pupil_absences)
        .service(handlers::register_absences)
        .service(handlers::list_school_absences)
        .service(handlers::get_absence)
        .service(handlers::update_absence)
        .service(handlers::withdraw_absence)
        .service(handlers::report_absence_return)
        .service(signals::list_absence_signals)
        .service(signals::mark_absence_signal_reported)
        .service(settings::get_absence_settings)
        .service(settings::update_absence_settings);
}
