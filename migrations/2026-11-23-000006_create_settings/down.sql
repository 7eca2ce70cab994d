DROP INDEX sync_runs_finished_at_idx;
DROP TABLE settings;
