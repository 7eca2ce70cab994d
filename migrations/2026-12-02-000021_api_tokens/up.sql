-- Personal API tokens for /api/v1: a token acts as its user. Only a SHA-256 hash of the secret
-- is kept (the token is random with 256 bits, so a fast hash is enough); the public prefix
-- finds the row and identifies the token in lists.
CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    scope        TEXT        NOT NULL CHECK (scope IN ('read', 'write')),
    prefix       TEXT        NOT NULL UNIQUE,
    secret_hash  TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- NULL: never expires.
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    last_used_ip TEXT,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
