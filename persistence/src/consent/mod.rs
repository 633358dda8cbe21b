//! Consent and sharing (SPEC §10): a school's purposes (`purposes`), the decisions on them with
//! their history (`decisions`), and the reads consent governs (`sharing`: the medical notes and
//! the class contact list), where a "yes" is checked in the query, never in a handler.

mod decisions;
mod imports;
mod purposes;
mod rows;
mod sharing;

pub use decisions::{
    Decided, HistoryEntry, StandingRow, current_of, decide, history_of, standings_on,
};
pub use imports::import_from_las;
pub use purposes::{find_purpose, insert_defaults, insert_purpose, list_purposes, update_purpose};
pub use rows::{Purpose, PurposeRow};
pub use sharing::{
    Contact, MedicalNote, consented, contacts_of_group, delete_medical_note, medical_note_of,
    medical_notes_of_group, set_medical_note,
};
