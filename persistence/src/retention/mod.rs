//! Retention (SPEC §11, §12; issue #14): what each category's purge finds and removes at one
//! school (`sweep`), the run log with the lease that lets one instance of many run it (`runs`), and
//! each school's shortened terms (`settings`).
//! The thresholds come from `domain::retention`; here only "started on or before" is asked.

mod runs;
mod settings;
mod sweep;

pub use runs::{
    RunRow, RunWithCounts, all_schools, find_run, finish_run, list_runs, record_count,
    release_lease, start_run, take_lease,
};
pub use settings::{SettingsRow, put_settings, settings};
pub use sweep::{
    absence_and_leave, audit_log, expired_guardians, expired_staff, leavers, portal_content,
    pupil_file, remove_staff,
};
