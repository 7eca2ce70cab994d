-- The changes feed (issue 17): every stored change of an order (created, updated with its new
-- revision, gone from Allegro) with a sequence number a consumer can page through with
-- `after=<seq>` and never miss a change nor see one twice.
--
-- A plain sequence is not enough: two transactions that draw n and n+1 may commit n+1 first,
-- and a consumer that read n+1 and moved its cursor past it would never see n. So the numbers
-- are drawn from one counter row, `order_change_head`, updated in the writing transaction:
-- its row lock is held until that transaction ends, so the next writer draws its numbers only
-- after the previous one has committed (and is visible) or rolled back (its numbers are drawn
-- again: no gaps). Commit order is sequence order. Writers take the row as one of their last
-- statements (the page's changes are recorded together), so they queue only for the end of
-- each other's page transaction.
CREATE TABLE order_change_head (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    -- The last number drawn.
    last_seq BIGINT NOT NULL,
    -- Changes up to this number were pruned (older than the retention): a cursor below it is
    -- answered 410 Gone.
    pruned_through BIGINT NOT NULL
);
INSERT INTO order_change_head (last_seq, pruned_through) VALUES (0, 0);

CREATE TABLE order_changes (
    seq BIGINT PRIMARY KEY,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- order.created, order.updated or order.gone.
    kind TEXT NOT NULL CHECK (kind IN ('order.created', 'order.updated', 'order.gone')),
    -- No foreign keys: a change outlives nothing it points to (a deleted account's orders go,
    -- and readers skip their changes), and a key would cost every stored order a lookup.
    account_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    -- The order's revision after the change (Allegro's revision string), when it has one.
    revision TEXT
);
