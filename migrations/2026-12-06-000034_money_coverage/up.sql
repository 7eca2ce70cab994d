-- The coverage of the money listings: per account, listing (windowed_listings.listing: the fees
-- of one marketplace, 'billing:<marketplace>', or one wallet, 'payment_operations:<wallet>') and
-- calendar day (Europe/Warsaw), what Allegro lists for that occurredAt day against what the
-- backup holds for the same bounds, and when that was last checked. The sums are per currency,
-- in cents ({"PLN": -12345}), for the fees (paged whole, so summed at no extra cost); NULL for a
-- wallet, whose day is counted from totalCount alone. A day without a row has not been checked.
CREATE TABLE money_coverage_days (
    account_id    BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    listing       TEXT        NOT NULL,
    day           DATE        NOT NULL,
    allegro_count BIGINT      NOT NULL,
    held_count    BIGINT      NOT NULL,
    allegro_sums  JSONB,
    held_sums     JSONB,
    verified_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, listing, day)
);
