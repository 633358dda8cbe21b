//! The notification engine (SPEC §6): events, inbox, e-mail deliveries, preferences, settings, and
//! webhooks.

use super::{accounts, schools};

diesel::table! {
    notification_events (id) {
        id -> Text,
        school_id -> Text,
        kind -> Text,
        object_id -> Text,
        urgent -> Bool,
        language -> Text,
        title -> Text,
        body -> Text,
        created_at -> Timestamp,
        fanned_out_at -> Nullable<Timestamp>,
        lock_owner -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    inbox_items (id) {
        id -> Text,
        account_id -> Text,
        event_id -> Text,
        children -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_deliveries (id) {
        id -> Text,
        account_id -> Text,
        event_id -> Text,
        due_at -> Timestamp,
        in_digest -> Bool,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_preferences (account_id, channel) {
        account_id -> Text,
        channel -> Text,
        preference -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_opt_ins (account_id, topic) {
        account_id -> Text,
        topic -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    school_notification_settings (school_id) {
        school_id -> Text,
        quiet_start -> Nullable<Text>,
        quiet_end -> Nullable<Text>,
        digest_time -> Text,
        email_content -> Text,
        grade_notifications -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(inbox_items -> notification_events (event_id));
diesel::joinable!(email_deliveries -> notification_events (event_id));
diesel::joinable!(notification_events -> schools (school_id));
diesel::allow_tables_to_appear_in_same_query!(
    notification_events,
    inbox_items,
    email_deliveries,
    notification_preferences,
    notification_opt_ins,
);
diesel::allow_tables_to_appear_in_same_query!(notification_events, schools);
diesel::joinable!(email_deliveries -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(email_deliveries, accounts);
diesel::allow_tables_to_appear_in_same_query!(email_deliveries, schools);
diesel::allow_tables_to_appear_in_same_query!(notification_events, accounts);
diesel::allow_tables_to_appear_in_same_query!(inbox_items, accounts);

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        school_id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        event_types -> Text,
        secret -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        exhausted_in_a_row -> Integer,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        school_id -> Text,
        kind -> Text,
        object_kind -> Text,
        object_id -> Text,
        occurred_at -> Timestamp,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lock_owner -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> Integer,
    }
}

diesel::joinable!(webhook_endpoints -> schools (school_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhook_endpoints,
    webhook_deliveries,
    webhook_attempts,
    schools,
);
