//! Absence (SPEC §7) in the database: the stored rows and their conversion ([`rows`]), reads of a
//! pupil's absences and a school's day ([`queries`]), the writes with their history
//! ([`commands`]), the school's settings ([`settings`]) and the signals for its admins
//! ([`signals`]).

mod commands;
mod queries;
mod rows;
pub mod settings;
pub mod signals;

pub use commands::{Change, Edited, NewAbsence, edit, history, insert};
pub use queries::{
    DayItem, PupilAt, find, for_signals, group_pupils, of_pupil, of_school_on, pupil_at, pupil_of,
    reported_between, reported_on,
};
pub use rows::{AbsenceRow, HistoryRow};
