DROP TABLE scheduled_jobs;
ALTER TABLE sync_runs DROP COLUMN runner;
