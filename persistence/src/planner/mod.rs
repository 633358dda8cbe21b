//! The conversation planner (gesprekkenplanner, SPEC §8, seed 003): rounds with their windows,
//! desks and slots, and guardians' bookings. Who may see or change what is the service's
//! (`domain::planner::policy`); these take the ids it checked. No slot is booked twice: the
//! database's unique indexes hold that, under any concurrency.

mod bookings;
mod desks;
pub mod feeds;
mod overview;
mod people;
mod preparation;
mod rounds;
mod rows;

pub use bookings::{
    Ending, NewBooking, NotBooked, due_reminders, end, find as find_booking, guardian_busy,
    households_of, insert as insert_booking, invited, live_at_desks, live_of_pupil, lock_guardians,
    mark_reminded as mark_booking_reminded, of_guardian, school_cancelled_desks,
};
pub use desks::{
    DeskSlot, StoredDesk, add_slot, block_slots, desk_round, lock_slot, of_round as desks_of,
    set_blocked, slot_place, slots_of,
};
pub use overview::{PupilProgress, ScheduleLine, progress, schedule};
pub use people::{
    booking_guardians, current_groups_of, enrolments_of, groups_at, pupils_in_groups,
    round_guardians, separated,
};
pub use preparation::{
    DeskDay, StoredPreparation, desk_days, preparations_of, set_desk_day, set_preparation,
};
pub use rounds::{
    GroupTeacher, Listed, NewDesk, NewRound, find, group_teachers, groups_of, insert, list_at,
    mark_reminded, publish, windows_of,
};
pub use rows::{StoredBooking, StoredRound};
