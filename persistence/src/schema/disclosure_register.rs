//! The disclosure register (seed 002 appendix 3): per board, to whom personal data is given.

use super::boards;

diesel::table! {
    disclosures (id) {
        id -> Text,
        board_id -> Text,
        recipient -> Text,
        purpose -> Text,
        legal_basis -> Text,
        data_categories -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(disclosures -> boards (board_id));
diesel::allow_tables_to_appear_in_same_query!(disclosures, boards);
