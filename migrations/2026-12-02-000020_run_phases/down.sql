ALTER TABLE sync_runs
    DROP COLUMN report,
    DROP COLUMN phase_total,
    DROP COLUMN phase_done,
    DROP COLUMN phase;
