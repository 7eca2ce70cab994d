ALTER TABLE sync_runs DROP COLUMN paused_until;
