//! Table definitions shared by both backends. Only SQL types that diesel's `MultiConnection` maps on
//! SQLite and PostgreSQL alike are used: ids are `Text` (UUIDv7), times are `Timestamp` in UTC.

diesel::table! {
    boards (id) {
        id -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Text,
        password_hash -> Nullable<Text>,
        is_platform_operator -> Bool,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    schools (id) {
        id -> Text,
        board_id -> Text,
        name -> Text,
        brin -> Text,
        admin_email -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        requestable_fields -> Nullable<Text>,
        sync_hold_percent -> Integer,
    }
}

diesel::table! {
    school_years (id) {
        id -> Text,
        school_id -> Text,
        name -> Text,
        starts_on -> Date,
        ends_on -> Date,
    }
}

diesel::table! {
    school_groups (id) {
        id -> Text,
        school_id -> Text,
        school_year_id -> Text,
        las_key -> Text,
        name -> Text,
        year_group -> Nullable<Integer>,
        is_combined -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pupils (id) {
        id -> Text,
        school_id -> Text,
        las_key -> Text,
        first_name -> Text,
        name_prefix -> Nullable<Text>,
        last_name -> Text,
        date_of_birth -> Nullable<Date>,
        parents_separated -> Bool,
        left_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    enrolments (pupil_id, group_id) {
        pupil_id -> Text,
        group_id -> Text,
    }
}

diesel::table! {
    guardians (id) {
        id -> Text,
        school_id -> Text,
        las_key -> Text,
        first_name -> Text,
        name_prefix -> Nullable<Text>,
        last_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        account_id -> Nullable<Text>,
        deactivated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    guardian_pupils (guardian_id, pupil_id) {
        guardian_id -> Text,
        pupil_id -> Text,
        relationship -> Text,
        parental_authority -> Bool,
        household -> Text,
    }
}

diesel::table! {
    staff (id) {
        id -> Text,
        school_id -> Text,
        las_key -> Text,
        first_name -> Text,
        name_prefix -> Nullable<Text>,
        last_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        account_id -> Nullable<Text>,
        deactivated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    staff_roles (staff_id, role) {
        staff_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    staff_groups (staff_id, group_id) {
        staff_id -> Text,
        group_id -> Text,
    }
}

diesel::table! {
    board_admins (account_id, board_id) {
        account_id -> Text,
        board_id -> Text,
    }
}

diesel::table! {
    school_modules (school_id, module, audience) {
        school_id -> Text,
        module -> Text,
        audience -> Text,
    }
}

diesel::joinable!(schools -> boards (board_id));
diesel::joinable!(school_years -> schools (school_id));
diesel::joinable!(school_groups -> schools (school_id));
diesel::joinable!(school_groups -> school_years (school_year_id));
diesel::joinable!(pupils -> schools (school_id));
diesel::joinable!(enrolments -> pupils (pupil_id));
diesel::joinable!(enrolments -> school_groups (group_id));
diesel::joinable!(guardians -> schools (school_id));
diesel::joinable!(guardian_pupils -> guardians (guardian_id));
diesel::joinable!(guardian_pupils -> pupils (pupil_id));
diesel::joinable!(staff -> schools (school_id));
diesel::joinable!(staff_roles -> staff (staff_id));
diesel::joinable!(staff_groups -> staff (staff_id));
diesel::joinable!(staff_groups -> school_groups (group_id));
diesel::joinable!(board_admins -> boards (board_id));
diesel::joinable!(board_admins -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    board_admins,
    boards,
    change_request_fields,
    change_requests,
    pending_invitations,
    roster_sources,
    sync_runs,
    enrolments,
    guardian_pupils,
    guardians,
    pupils,
    school_groups,
    school_modules,
    school_years,
    schools,
    staff,
    staff_groups,
    staff_roles,
);

// Moves forward with every committed change to what a pupil's card shows (triggers; see the
// migration `roster_generation`).
diesel::table! {
    roster_generation (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        account_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        session_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (subject) {
        subject -> Text,
        attempts -> Integer,
        window_start -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        request_id -> Nullable<Text>,
        account_id -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        school_id -> Nullable<Text>,
        outcome -> Text,
        client_id -> Nullable<Text>,
    }
}

diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, refresh_tokens, accounts);

diesel::table! {
    outbox (id) {
        id -> Text,
        created_at -> Timestamp,
        kind -> Text,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lock_owner -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> Text,
        account_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        guardian_id -> Nullable<Text>,
        staff_id -> Nullable<Text>,
    }
}

diesel::table! {
    integration_clients (id) {
        id -> Text,
        name -> Text,
        board_id -> Text,
        school_id -> Nullable<Text>,
        scopes -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sync_runs (id) {
        id -> Text,
        school_id -> Text,
        source -> Text,
        client_id -> Nullable<Text>,
        account_id -> Nullable<Text>,
        school_year -> Nullable<Text>,
        status -> Text,
        counts -> Nullable<Text>,
        rejected -> Integer,
        error -> Nullable<Text>,
        started_at -> Timestamp,
        finished_at -> Timestamp,
        duration_ms -> BigInt,
        held_snapshot -> Nullable<Text>,
    }
}

diesel::table! {
    roster_sources (school_id) {
        school_id -> Text,
        url -> Text,
        next_fetch_at -> Timestamp,
        lock_owner -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    change_requests (id) {
        id -> Text,
        school_id -> Text,
        subject_kind -> Text,
        subject_id -> Text,
        pupil_id -> Nullable<Text>,
        requested_by -> Text,
        household -> Nullable<Text>,
        status -> Text,
        remark -> Nullable<Text>,
        language -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    change_request_fields (request_id, field) {
        request_id -> Text,
        field -> Text,
        current_value -> Nullable<Text>,
        proposed_value -> Nullable<Text>,
        outcome -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (account_id, key) {
        account_id -> Text,
        key -> Text,
        fingerprint -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pending_invitations (guardian_id) {
        guardian_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(pending_invitations -> guardians (guardian_id));
diesel::joinable!(sync_runs -> schools (school_id));
diesel::joinable!(roster_sources -> schools (school_id));
diesel::joinable!(change_requests -> schools (school_id));
diesel::joinable!(change_requests -> guardians (requested_by));
diesel::joinable!(change_request_fields -> change_requests (request_id));

mod absence;
mod consent;
mod disclosure_register;
mod exports;
mod news;
mod notify;
mod planner;
mod retention;
mod sign_up_forms;

pub use absence::*;
pub use consent::*;
pub use disclosure_register::*;
pub use exports::*;
pub use news::*;
pub use notify::*;
pub use planner::*;
pub use retention::*;
pub use sign_up_forms::*;
