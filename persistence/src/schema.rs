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

// The notification engine (SPEC §6).

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
