// @generated automatically by Diesel CLI.

diesel::table! {
    audit_log (id) {
        id -> Int8,
        occurred_at -> Timestamptz,
        actor_user_id -> Nullable<Int8>,
        actor_email -> Nullable<Text>,
        action -> Text,
        target -> Nullable<Text>,
        ip -> Nullable<Text>,
        details -> Jsonb,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Int8,
        email -> Text,
        ip -> Text,
        failed_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (key_hash) {
        key_hash -> Text,
        user_id -> Nullable<Int8>,
        state -> Jsonb,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    setup_tokens (token_hash) {
        token_hash -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        must_change_password -> Bool,
        disabled -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        last_login_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(audit_log -> users (actor_user_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    login_failures,
    sessions,
    setup_tokens,
    users,
);
