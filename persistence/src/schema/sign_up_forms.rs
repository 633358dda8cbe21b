//! Sign-up forms (SPEC §9): forms, their audience, options, questions, responses and sign-ups.

use super::{guardians, pupils, school_groups, schools};

diesel::table! {
    forms (id) {
        id -> Text,
        school_id -> Text,
        title -> Text,
        description -> Nullable<Text>,
        audience -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        waiting_list -> Bool,
        max_per_child -> Nullable<Integer>,
        allocation -> Text,
        allocated_at -> Nullable<Timestamp>,
        announced_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    form_groups (form_id, group_id) {
        form_id -> Text,
        group_id -> Text,
    }
}

diesel::table! {
    form_year_groups (form_id, year_group) {
        form_id -> Text,
        year_group -> Integer,
    }
}

diesel::table! {
    form_options (id) {
        id -> Text,
        form_id -> Text,
        position -> Integer,
        label -> Text,
        per -> Text,
        capacity -> Nullable<Integer>,
        placed -> Integer,
        waiting -> Integer,
        tickets -> Integer,
    }
}

diesel::table! {
    form_questions (id) {
        id -> Text,
        form_id -> Text,
        position -> Integer,
        kind -> Text,
        label -> Text,
        required -> Bool,
        choices -> Nullable<Text>,
        min_value -> Nullable<Integer>,
        max_value -> Nullable<Integer>,
        max_length -> Nullable<Integer>,
    }
}

diesel::table! {
    form_responses (id) {
        id -> Text,
        form_id -> Text,
        household -> Text,
        responded_by -> Nullable<Text>,
        answers -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    form_signups (id) {
        id -> Text,
        form_id -> Text,
        option_id -> Text,
        response_id -> Text,
        pupil_id -> Nullable<Text>,
        household -> Text,
        state -> Text,
        ticket -> Integer,
        preference -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(forms -> schools (school_id));
diesel::joinable!(form_groups -> forms (form_id));
diesel::joinable!(form_groups -> school_groups (group_id));
diesel::joinable!(form_year_groups -> forms (form_id));
diesel::joinable!(form_options -> forms (form_id));
diesel::joinable!(form_questions -> forms (form_id));
diesel::joinable!(form_responses -> forms (form_id));
diesel::joinable!(form_responses -> guardians (responded_by));
diesel::joinable!(form_signups -> form_options (option_id));
diesel::joinable!(form_signups -> form_responses (response_id));
diesel::joinable!(form_signups -> pupils (pupil_id));

diesel::allow_tables_to_appear_in_same_query!(
    forms,
    form_groups,
    form_year_groups,
    form_options,
    form_questions,
    form_responses,
    form_signups,
);
diesel::allow_tables_to_appear_in_same_query!(forms, schools);
diesel::allow_tables_to_appear_in_same_query!(form_groups, school_groups);
diesel::allow_tables_to_appear_in_same_query!(form_responses, guardians);
diesel::allow_tables_to_appear_in_same_query!(form_signups, pupils);
diesel::allow_tables_to_appear_in_same_query!(form_options, pupils);
diesel::allow_tables_to_appear_in_same_query!(form_signups, guardians);
