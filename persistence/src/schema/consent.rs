//! Consent and sharing (SPEC §10): purposes, decisions with their history, medical notes.

use super::{enrolments, guardian_pupils, guardians, pupils, schools};

diesel::table! {
    consent_purposes (id) {
        id -> Text,
        school_id -> Text,
        code -> Nullable<Text>,
        subject -> Text,
        title -> Text,
        description -> Nullable<Text>,
        legal_basis -> Text,
        yearly_renewal -> Bool,
        from_las -> Bool,
        retired_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        las_imported_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consents (purpose_id, subject_id) {
        purpose_id -> Text,
        subject_id -> Text,
        given -> Bool,
        decided_at -> Timestamp,
        decided_by -> Nullable<Text>,
        source -> Text,
    }
}

diesel::table! {
    consent_events (id) {
        id -> Text,
        purpose_id -> Text,
        subject_id -> Text,
        given -> Bool,
        decided_at -> Timestamp,
        decided_by -> Nullable<Text>,
        source -> Text,
    }
}

diesel::table! {
    medical_notes (pupil_id) {
        pupil_id -> Text,
        note -> Text,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(consent_purposes -> schools (school_id));
diesel::joinable!(consents -> consent_purposes (purpose_id));
diesel::joinable!(consent_events -> consent_purposes (purpose_id));
diesel::joinable!(medical_notes -> pupils (pupil_id));

diesel::allow_tables_to_appear_in_same_query!(consent_purposes, consents, consent_events);
diesel::allow_tables_to_appear_in_same_query!(consent_purposes, schools);
diesel::allow_tables_to_appear_in_same_query!(consents, pupils);
diesel::allow_tables_to_appear_in_same_query!(consents, guardians);
diesel::allow_tables_to_appear_in_same_query!(consents, guardian_pupils);
diesel::allow_tables_to_appear_in_same_query!(consent_purposes, pupils);
diesel::allow_tables_to_appear_in_same_query!(consent_purposes, guardians);
diesel::allow_tables_to_appear_in_same_query!(consent_purposes, guardian_pupils);
diesel::allow_tables_to_appear_in_same_query!(consent_events, guardians);
diesel::allow_tables_to_appear_in_same_query!(medical_notes, pupils);
diesel::allow_tables_to_appear_in_same_query!(medical_notes, guardians);
diesel::allow_tables_to_appear_in_same_query!(medical_notes, enrolments);
diesel::allow_tables_to_appear_in_same_query!(consents, enrolments);
