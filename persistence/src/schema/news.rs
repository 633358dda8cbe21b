//! News (SPEC §5): posts, their groups, attachments, revisions, reads, comments and confirmations.

use super::{enrolments, guardian_pupils, guardians, pupils, schools, staff};

diesel::table! {
    news_posts (id) {
        id -> Text,
        school_id -> Text,
        author_id -> Nullable<Text>,
        title -> Text,
        body -> Text,
        language -> Text,
        audience -> Text,
        priority -> Text,
        pinned -> Bool,
        comments_enabled -> Bool,
        confirmation -> Text,
        published_at -> Nullable<Timestamp>,
        publish_at -> Nullable<Timestamp>,
        live_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        notified_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}

diesel::table! {
    news_post_groups (post_id, group_id) {
        post_id -> Text,
        group_id -> Text,
    }
}

diesel::table! {
    news_attachments (post_id, position) {
        post_id -> Text,
        position -> Integer,
        name -> Text,
        url -> Text,
    }
}

diesel::table! {
    news_revisions (id) {
        id -> Text,
        post_id -> Text,
        title -> Text,
        body -> Text,
        edited_by -> Nullable<Text>,
        edited_at -> Timestamp,
    }
}

diesel::table! {
    news_reads (post_id, guardian_id) {
        post_id -> Text,
        guardian_id -> Text,
        read_at -> Timestamp,
    }
}

diesel::joinable!(news_posts -> schools (school_id));
diesel::joinable!(news_post_groups -> news_posts (post_id));
diesel::joinable!(news_attachments -> news_posts (post_id));
diesel::joinable!(news_revisions -> news_posts (post_id));
diesel::joinable!(news_reads -> news_posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(
    news_posts,
    news_post_groups,
    news_attachments,
    news_revisions,
    news_reads,
);
diesel::allow_tables_to_appear_in_same_query!(news_posts, schools);
diesel::allow_tables_to_appear_in_same_query!(news_reads, guardians);
diesel::allow_tables_to_appear_in_same_query!(news_reads, guardian_pupils);
diesel::allow_tables_to_appear_in_same_query!(news_reads, pupils);
diesel::allow_tables_to_appear_in_same_query!(news_reads, enrolments);

diesel::table! {
    news_comments (id) {
        id -> Text,
        post_id -> Text,
        guardian_id -> Text,
        body -> Text,
        created_at -> Timestamp,
        hidden_at -> Nullable<Timestamp>,
        hidden_by -> Nullable<Text>,
    }
}

diesel::table! {
    news_confirmations (post_id, pupil_id, guardian_id) {
        post_id -> Text,
        pupil_id -> Text,
        guardian_id -> Text,
        household -> Text,
        confirmed_at -> Timestamp,
    }
}

diesel::joinable!(news_comments -> news_posts (post_id));
diesel::joinable!(news_comments -> guardians (guardian_id));
diesel::joinable!(news_confirmations -> news_posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(news_comments, news_posts, guardians);
diesel::allow_tables_to_appear_in_same_query!(news_confirmations, news_posts);
diesel::allow_tables_to_appear_in_same_query!(news_confirmations, guardians);
diesel::allow_tables_to_appear_in_same_query!(news_confirmations, guardian_pupils);
diesel::allow_tables_to_appear_in_same_query!(news_confirmations, pupils);
diesel::allow_tables_to_appear_in_same_query!(news_revisions, staff);
