//! Absence and leave (SPEC §7, §12): the school calendar, absences with their history, leave
//! requests and the signals for the school's admins.

use super::{enrolments, guardian_pupils, pupils, school_groups, schools};

diesel::table! {
    school_calendars (school_id, start_year) {
        school_id -> Text,
        start_year -> Integer,
        region -> Nullable<Text>,
        lesson_minutes -> Text,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    school_calendar_groups (school_id, start_year, group_id) {
        school_id -> Text,
        start_year -> Integer,
        group_id -> Text,
        lesson_minutes -> Text,
    }
}

diesel::table! {
    school_days_off (school_id, start_year, position) {
        school_id -> Text,
        start_year -> Integer,
        position -> Integer,
        kind -> Text,
        name -> Text,
        first_day -> Date,
        last_day -> Date,
    }
}

diesel::table! {
    school_absence_settings (school_id) {
        school_id -> Text,
        report_cutoff -> Text,
        notify_unreported -> Bool,
        leave_notice_weeks -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    absences (id) {
        id -> Text,
        school_id -> Text,
        pupil_id -> Text,
        source -> Text,
        reported_by -> Nullable<Text>,
        reason -> Text,
        kind -> Nullable<Text>,
        note -> Nullable<Text>,
        first_day -> Date,
        last_day -> Nullable<Date>,
        expected_return -> Nullable<Date>,
        returned_on -> Nullable<Date>,
        minutes -> Nullable<Integer>,
        late -> Bool,
        withdrawn_at -> Nullable<Timestamp>,
        leave_request_id -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    absence_history (id) {
        id -> Text,
        absence_id -> Text,
        field -> Text,
        from_value -> Nullable<Text>,
        to_value -> Nullable<Text>,
        changed_by -> Nullable<Text>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    leave_requests (id) {
        id -> Text,
        school_id -> Text,
        pupil_id -> Text,
        requested_by -> Nullable<Text>,
        kind -> Text,
        first_day -> Date,
        last_day -> Date,
        submitted_on -> Date,
        reason -> Nullable<Text>,
        employer_statement -> Nullable<Text>,
        minutes_per_week -> Nullable<Integer>,
        school_days -> Integer,
        decider -> Text,
        issues -> Text,
        issue_messages -> Text,
        state -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
        officer_recorded_by -> Nullable<Text>,
        officer_recorded_at -> Nullable<Timestamp>,
        officer_reason -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    absence_signals (id) {
        id -> Text,
        school_id -> Text,
        pupil_id -> Text,
        kind -> Text,
        first_day -> Date,
        last_day -> Date,
        minutes -> Integer,
        raised_at -> Timestamp,
        reported_at -> Nullable<Timestamp>,
        reported_by -> Nullable<Text>,
    }
}

diesel::joinable!(absences -> pupils (pupil_id));
diesel::joinable!(absences -> schools (school_id));
diesel::joinable!(absence_history -> absences (absence_id));
diesel::joinable!(leave_requests -> pupils (pupil_id));
diesel::joinable!(absence_signals -> pupils (pupil_id));
diesel::allow_tables_to_appear_in_same_query!(
    school_calendars,
    school_calendar_groups,
    school_days_off,
    absences,
    absence_history,
    leave_requests,
    absence_signals,
);
diesel::allow_tables_to_appear_in_same_query!(absences, pupils);
diesel::allow_tables_to_appear_in_same_query!(absences, schools);
diesel::allow_tables_to_appear_in_same_query!(absences, enrolments);
diesel::allow_tables_to_appear_in_same_query!(absences, school_groups);
diesel::allow_tables_to_appear_in_same_query!(absences, guardian_pupils);
diesel::allow_tables_to_appear_in_same_query!(leave_requests, pupils);
diesel::allow_tables_to_appear_in_same_query!(leave_requests, schools);
diesel::allow_tables_to_appear_in_same_query!(absence_signals, pupils);
diesel::allow_tables_to_appear_in_same_query!(school_calendar_groups, school_groups);
