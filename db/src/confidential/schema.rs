//! Tables of the confidential complaint store (see `migrations/confidential/`). They are never joined with the
//! public tables: they live in another database schema or file, behind another connection pool.

diesel::table! {
    complaint_situations (id) {
        id -> BigInt,
        reference -> Text,
        country_iso3 -> Text,
        status -> Text,
        summary -> Text,
        opened_on -> Date,
        referred_on -> Nullable<Date>,
        fictional -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_communications (id) {
        id -> BigInt,
        reference -> Text,
        received_on -> Date,
        author_kind -> Text,
        country_iso3 -> Text,
        rights_alleged -> Text,
        summary -> Text,
        status -> Text,
        situation_id -> Nullable<BigInt>,
        fictional -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_authors (communication_id) {
        communication_id -> BigInt,
        name -> Text,
        contact -> Text,
    }
}

diesel::table! {
    complaint_events (id) {
        id -> BigInt,
        communication_id -> Nullable<BigInt>,
        situation_id -> Nullable<BigInt>,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor -> Text,
        occurred_at -> Timestamp,
        note -> Text,
    }
}

diesel::table! {
    complaint_council_decisions (id) {
        id -> BigInt,
        situation_id -> BigInt,
        decision -> Text,
        decided_on -> Date,
        session_number -> Nullable<Integer>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    complaint_audit_log (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor -> Text,
        roles -> Text,
        request_id -> Text,
        action -> Text,
        entity -> Text,
        entity_keys -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    complaint_situations,
    complaint_communications,
    complaint_authors,
    complaint_events,
    complaint_council_decisions,
    complaint_audit_log,
);
