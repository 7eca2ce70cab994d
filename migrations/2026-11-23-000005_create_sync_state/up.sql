-- Where each account's backup stands: the event cursor, the first full pass, and a lease so
-- exactly one process syncs an account at a time (a dead process's lease simply expires).
CREATE TABLE sync_state (
    account_id            BIGINT PRIMARY KEY REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    event_cursor          TEXT,
    backfill_from         TIMESTAMPTZ,
    backfill_until        TIMESTAMPTZ,
    backfill_completed_at TIMESTAMPTZ,
    last_success_at       TIMESTAMPTZ,
    last_error            TEXT,
    lease_owner           TEXT,
    lease_until           TIMESTAMPTZ,
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The first pass splits history into boughtAt windows small enough for offset paging; a
-- window is done once every page of it is stored, so a restart resumes where it stopped.
CREATE TABLE backfill_windows (
    id           BIGSERIAL PRIMARY KEY,
    account_id   BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    window_start TIMESTAMPTZ NOT NULL,
    window_end   TIMESTAMPTZ NOT NULL,
    total_count  BIGINT,
    done_at      TIMESTAMPTZ,
    UNIQUE (account_id, window_start, window_end)
);

-- One row per sync run, for the history page and the live progress bar.
CREATE TABLE sync_runs (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    kind             TEXT        NOT NULL CHECK (kind IN ('full', 'incremental', 'reconcile')),
    trigger          TEXT        NOT NULL CHECK (trigger IN ('schedule', 'manual', 'startup', 'cli')),
    status           TEXT        NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    started_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at      TIMESTAMPTZ,
    requests         BIGINT      NOT NULL DEFAULT 0,
    pages            BIGINT      NOT NULL DEFAULT 0,
    orders_fetched   BIGINT      NOT NULL DEFAULT 0,
    orders_created   BIGINT      NOT NULL DEFAULT 0,
    orders_updated   BIGINT      NOT NULL DEFAULT 0,
    orders_unchanged BIGINT      NOT NULL DEFAULT 0,
    events           BIGINT      NOT NULL DEFAULT 0,
    progress_done    BIGINT      NOT NULL DEFAULT 0,
    progress_total   BIGINT,
    error            TEXT,
    notes            TEXT
);
CREATE INDEX sync_runs_account_idx ON sync_runs (account_id, id DESC);
CREATE INDEX sync_runs_running_idx ON sync_runs (status) WHERE status = 'running';
