-- Several server processes share one database.

-- Which process ran each sync run: the lease holder's name (host:pid:run id). Unknown for
-- runs recorded before this column.
ALTER TABLE sync_runs ADD COLUMN runner TEXT;

-- Jobs that must run once a day across all processes (the nightly reconcile): the process
-- that claims a day first runs the job; the others see the day taken.
CREATE TABLE scheduled_jobs (
    name       TEXT        PRIMARY KEY,
    last_day   DATE        NOT NULL,
    claimed_by TEXT        NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
