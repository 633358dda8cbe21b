//! The conversation planner (SPEC §8): rounds, desks, slots and bookings.

use super::{guardians, pupils, school_groups, schools, staff};

diesel::table! {
    planner_rounds (id) {
        id -> Text,
        school_id -> Text,
        name -> Text,
        purpose -> Nullable<Text>,
        slot_minutes -> Integer,
        pause_minutes -> Integer,
        teachers_deadline -> Timestamp,
        booking_opens -> Timestamp,
        booking_closes -> Timestamp,
        guardians_may_change -> Bool,
        max_bookings_per_pupil -> Integer,
        quota_per_pupil -> Nullable<Integer>,
        quota_hours -> Nullable<Integer>,
        duo_mode -> Text,
        published_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    planner_round_groups (round_id, group_id) {
        round_id -> Text,
        group_id -> Text,
    }
}

diesel::table! {
    planner_windows (round_id, position) {
        round_id -> Text,
        position -> Integer,
        day -> Date,
        starts -> Text,
        ends -> Text,
    }
}

diesel::table! {
    planner_desks (id) {
        id -> Text,
        round_id -> Text,
        label -> Text,
    }
}

diesel::table! {
    planner_desk_staff (desk_id, staff_id) {
        desk_id -> Text,
        staff_id -> Text,
    }
}

diesel::table! {
    planner_desk_groups (desk_id, group_id) {
        desk_id -> Text,
        group_id -> Text,
    }
}

diesel::table! {
    planner_desk_days (desk_id, day) {
        desk_id -> Text,
        day -> Date,
        room -> Nullable<Text>,
        video_link -> Nullable<Text>,
    }
}

diesel::table! {
    planner_slots (id) {
        id -> Text,
        round_id -> Text,
        desk_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        blocked -> Bool,
        added -> Bool,
    }
}

diesel::table! {
    planner_preparations (desk_id, pupil_id) {
        desk_id -> Text,
        pupil_id -> Text,
        state -> Nullable<Text>,
        note -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    planner_bookings (id) {
        id -> Text,
        round_id -> Text,
        desk_id -> Text,
        slot_id -> Text,
        pupil_id -> Text,
        household -> Text,
        booked_by -> Nullable<Text>,
        state -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        cancel_reason -> Nullable<Text>,
        ended_by -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        sequence -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    planner_booking_guardians (booking_id, guardian_id) {
        booking_id -> Text,
        guardian_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        active -> Bool,
    }
}

diesel::table! {
    planner_feeds (id) {
        id -> Text,
        account_id -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(planner_rounds -> schools (school_id));
diesel::joinable!(planner_round_groups -> planner_rounds (round_id));
diesel::joinable!(planner_round_groups -> school_groups (group_id));
diesel::joinable!(planner_windows -> planner_rounds (round_id));
diesel::joinable!(planner_desks -> planner_rounds (round_id));
diesel::joinable!(planner_desk_staff -> planner_desks (desk_id));
diesel::joinable!(planner_desk_staff -> staff (staff_id));
diesel::joinable!(planner_desk_groups -> planner_desks (desk_id));
diesel::joinable!(planner_desk_groups -> school_groups (group_id));
diesel::joinable!(planner_desk_days -> planner_desks (desk_id));
diesel::joinable!(planner_slots -> planner_desks (desk_id));
diesel::joinable!(planner_preparations -> planner_desks (desk_id));
diesel::joinable!(planner_preparations -> pupils (pupil_id));
diesel::joinable!(planner_bookings -> planner_slots (slot_id));
diesel::joinable!(planner_bookings -> pupils (pupil_id));
diesel::joinable!(planner_bookings -> planner_rounds (round_id));
diesel::joinable!(planner_booking_guardians -> planner_bookings (booking_id));
diesel::joinable!(planner_booking_guardians -> guardians (guardian_id));
diesel::allow_tables_to_appear_in_same_query!(
    planner_rounds,
    planner_round_groups,
    planner_windows,
    planner_desks,
    planner_desk_staff,
    planner_desk_groups,
    planner_desk_days,
    planner_slots,
    planner_preparations,
    planner_bookings,
    planner_booking_guardians,
);
diesel::allow_tables_to_appear_in_same_query!(planner_rounds, schools);
// A calendar feed's bookings, with their round, desk and pupil, of the account's guardian and
// staff records (`planner::feeds::events_of`).
diesel::allow_tables_to_appear_in_same_query!(planner_rounds, pupils);
diesel::allow_tables_to_appear_in_same_query!(planner_rounds, guardians);
diesel::allow_tables_to_appear_in_same_query!(planner_rounds, staff);
diesel::allow_tables_to_appear_in_same_query!(planner_desks, pupils);
diesel::allow_tables_to_appear_in_same_query!(planner_desks, guardians);
diesel::allow_tables_to_appear_in_same_query!(planner_desks, staff);
diesel::allow_tables_to_appear_in_same_query!(planner_bookings, guardians);
diesel::allow_tables_to_appear_in_same_query!(planner_bookings, staff);
diesel::allow_tables_to_appear_in_same_query!(planner_booking_guardians, pupils);
diesel::allow_tables_to_appear_in_same_query!(planner_desk_staff, pupils);
diesel::allow_tables_to_appear_in_same_query!(planner_round_groups, school_groups);
diesel::allow_tables_to_appear_in_same_query!(planner_desk_groups, school_groups);
diesel::allow_tables_to_appear_in_same_query!(planner_desk_staff, staff);
diesel::allow_tables_to_appear_in_same_query!(planner_bookings, pupils);
diesel::allow_tables_to_appear_in_same_query!(planner_booking_guardians, guardians);
diesel::allow_tables_to_appear_in_same_query!(planner_preparations, pupils);
