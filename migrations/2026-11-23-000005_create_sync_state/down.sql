DROP TABLE sync_runs;
DROP TABLE backfill_windows;
DROP TABLE sync_state;
