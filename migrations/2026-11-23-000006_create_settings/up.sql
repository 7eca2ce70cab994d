-- Settings admins change on the Settings page: one typed row. A NULL column means "use the
-- default from the environment" (see README, Configuration).
CREATE TABLE settings (
    id                      SMALLINT    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    sync_interval_minutes   INTEGER     CHECK (sync_interval_minutes BETWEEN 0 AND 1440),
    reconcile_window_days   INTEGER     CHECK (reconcile_window_days BETWEEN 1 AND 365),
    reconcile_hour          INTEGER     CHECK (reconcile_hour BETWEEN 0 AND 23),
    -- The first backup reaches back either this many months or to history_start.
    history_months          INTEGER     CHECK (history_months BETWEEN 1 AND 24),
    history_start           DATE,
    run_retention_days      INTEGER     CHECK (run_retention_days BETWEEN 1 AND 3650),
    stale_after_hours       INTEGER     CHECK (stale_after_hours BETWEEN 1 AND 720),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by              BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    CHECK (history_months IS NULL OR history_start IS NULL)
);

-- Retention cleanup deletes finished runs by age.
CREATE INDEX sync_runs_finished_at_idx ON sync_runs (finished_at) WHERE finished_at IS NOT NULL;
