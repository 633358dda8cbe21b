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

diesel::allow_tables_to_appear_in_same_query!(boards, accounts);
