//! Leave requests (verlof, SPEC §7 and §12): stored with the verdict the rule engine gave when
//! they were submitted, decided in place under a guarded update, and, once granted, an absence of
//! the pupil. Who may see or decide one is the service's (`domain::leave::policy`); these take the
//! ids it checked.

mod commands;
mod queries;
mod rows;

pub use commands::{Decided, NewLeave, insert, insert_absence, lock_pupil, record_decision};
pub use queries::{find, for_pupil, list_at, list_for_pupil, person_name, pupil_groups, pupil_of};
pub use rows::{LeaveRow, StoredLeave, Warning};
