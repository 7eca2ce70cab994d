-- Team members who log in to the dashboard.
CREATE TABLE users (
    id                   BIGSERIAL PRIMARY KEY,
    email                TEXT        NOT NULL,
    display_name         TEXT        NOT NULL,
    role                 TEXT        NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    password_hash        TEXT        NOT NULL,
    must_change_password BOOLEAN     NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login_at        TIMESTAMPTZ
);

-- Emails are stored lower-cased; the index makes uniqueness case-insensitive regardless.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
