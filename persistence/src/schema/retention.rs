//! Retention (SPEC §11, §12): purge runs with their counts, job leases, and each school's settings.

use super::{accounts, schools};

diesel::table! {
    retention_runs (id) {
        id -> Text,
        school_id -> Nullable<Text>,
        kind -> Text,
        on_date -> Date,
        cutoff -> Nullable<Date>,
        outcome -> Text,
        failed_category -> Nullable<Text>,
        requested_by -> Nullable<Text>,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    retention_run_counts (run_id, category) {
        run_id -> Text,
        category -> Text,
        removed -> BigInt,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        owner -> Nullable<Text>,
        until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    retention_settings (school_id) {
        school_id -> Text,
        portal_content_years -> Integer,
        absence_and_leave_months -> Nullable<Integer>,
        enrolment_months -> Nullable<Integer>,
        pupil_file_months -> Nullable<Integer>,
        complaints_months -> Nullable<Integer>,
        audit_log_months -> Nullable<Integer>,
        staff_months -> Nullable<Integer>,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
    }
}

diesel::joinable!(retention_run_counts -> retention_runs (run_id));
diesel::joinable!(retention_runs -> schools (school_id));
diesel::joinable!(retention_runs -> accounts (requested_by));
diesel::joinable!(retention_settings -> schools (school_id));
diesel::allow_tables_to_appear_in_same_query!(retention_runs, retention_run_counts);
diesel::allow_tables_to_appear_in_same_query!(retention_runs, schools);
