//! The access export's jobs (AVG art. 15): one per request, the document kept for a week.

use super::accounts;

diesel::table! {
    data_exports (id) {
        id -> Text,
        account_id -> Text,
        state -> Text,
        progress -> Integer,
        requested_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        document -> Nullable<Text>,
        lock_owner -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(data_exports -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(data_exports, accounts);
