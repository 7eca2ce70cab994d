-- Until when a running run waits out Allegro's rate-limit pause (a 429 stops every call of the
-- client id for about a minute): /sync shows it, so a paused run does not look stuck. Only
-- meaningful while the run is running and the time is ahead.
ALTER TABLE sync_runs ADD COLUMN paused_until TIMESTAMPTZ;
