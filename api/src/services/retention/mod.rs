//! Retention (issue #14, SPEC §11, §12): the purge deletes what has expired under each category's
//! rule (`domain::retention`), school by school, and logs per run and category how many records
//! went, never which. It runs nightly on one instance (a lease), or when a school's admin asks,
//! as a dry run that only counts, or early for leavers before a cutoff in an ended school year.
//! Each school's terms are its own settings (`settings`): the maxima, or shorter where it chose.
//!
//! A family's shared data goes only when every member has: a guardian is removed only once none
//! of their children is current, and a household's form responses only with its last member.
//! Attachments, comments, responses and bookings go with their records (the foreign keys cascade).

mod purge;
mod settings;

pub use purge::{RunRequest, RunView, may_manage, request_run, run_scheduled, runs};
pub use settings::{put_settings, settings};
