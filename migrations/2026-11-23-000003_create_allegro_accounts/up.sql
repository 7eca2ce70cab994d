-- Allegro seller accounts linked to the dashboard. Tokens are encrypted at rest
-- (AES-256-GCM, key derived from SECRET_KEY); a dump shows no usable token.
CREATE TABLE allegro_accounts (
    id                BIGSERIAL PRIMARY KEY,
    environment       TEXT        NOT NULL,
    allegro_user_id   TEXT        NOT NULL,
    login             TEXT        NOT NULL,
    status            TEXT        NOT NULL
        CHECK (status IN ('connected', 'needs_reauth', 'disconnected')),
    access_token_enc  TEXT,
    refresh_token_enc TEXT,
    token_expires_at  TIMESTAMPTZ,
    scope             TEXT,
    last_refresh_at   TIMESTAMPTZ,
    last_error        TEXT,
    connected_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (environment, allegro_user_id)
);
CREATE INDEX allegro_accounts_token_expiry_idx ON allegro_accounts (token_expires_at)
    WHERE status = 'connected';

-- Device-code flows in progress or finished: the page polls this row while the server polls
-- Allegro in the background.
CREATE TABLE device_authorizations (
    id                        BIGSERIAL PRIMARY KEY,
    environment               TEXT        NOT NULL,
    user_code                 TEXT        NOT NULL,
    verification_uri          TEXT        NOT NULL,
    verification_uri_complete TEXT        NOT NULL,
    device_code_enc           TEXT        NOT NULL,
    interval_secs             INTEGER     NOT NULL,
    expires_at                TIMESTAMPTZ NOT NULL,
    status                    TEXT        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'connected', 'denied', 'expired', 'failed')),
    account_id                BIGINT REFERENCES allegro_accounts (id) ON DELETE SET NULL,
    error                     TEXT,
    started_by                BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at               TIMESTAMPTZ
);
CREATE INDEX device_authorizations_pending_idx ON device_authorizations (expires_at)
    WHERE status = 'pending';
