-- What a sync run tells people (issue 16): the step a running run is in with that step's own
-- progress (so the bar does not sit at 100 % while shipments load), and what a finished run
-- reports as data (`domain::RunReport`: its notes and, when it failed, why), which the pages
-- write in the reader's language. `notes` and `error` keep the English text and the details.
ALTER TABLE sync_runs
    ADD COLUMN phase TEXT CHECK (phase IN ('orders', 'events', 'coverage', 'shipments')),
    ADD COLUMN phase_done BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN phase_total BIGINT,
    ADD COLUMN report JSONB;
