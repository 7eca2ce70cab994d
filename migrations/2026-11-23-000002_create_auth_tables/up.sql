-- Server-side session store for actix-session. Only a SHA-256 of the cookie's key is kept,
-- so a database dump does not hand out live sessions.
CREATE TABLE sessions (
    key_hash   TEXT PRIMARY KEY,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    state      JSONB       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Failed sign-in attempts, for throttling per email and per client IP.
CREATE TABLE login_failures (
    id        BIGSERIAL PRIMARY KEY,
    email     TEXT        NOT NULL,
    ip        TEXT        NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, failed_at);

-- One-time links that let the person at the console create the first admin.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- Who did what, when and from where.
CREATE TABLE audit_log (
    id            BIGSERIAL PRIMARY KEY,
    occurred_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_email   TEXT,
    action        TEXT        NOT NULL,
    target        TEXT,
    ip            TEXT,
    details       JSONB       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, id DESC);
