-- The coverage grid: per account and calendar day (Europe/Warsaw, Allegro's zone), the number of
-- orders Allegro lists for that lineItems.boughtAt day (totalCount of a one-day window) against
-- the number the backup holds for the same definition, and when that was last checked.
-- A day without a row has not been verified yet.
CREATE TABLE coverage_days (
    account_id    BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    day           DATE        NOT NULL,
    allegro_count BIGINT      NOT NULL,
    held_count    BIGINT      NOT NULL,
    verified_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, day)
);
