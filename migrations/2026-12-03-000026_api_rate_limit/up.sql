-- The API's per-token rate limit, shared by every replica (issue 17): a GCRA ("generic cell rate
-- algorithm") state per token. Each admitted request moves `rate_tat` (the theoretical arrival
-- time) one emission interval (a minute / the limit) past max(rate_tat, now); a request is
-- refused when that would put it more than a minute ahead of now. `API_RATE_LIMIT_PER_MINUTE`
-- requests may come at once, then one per interval. NULL: not used yet (or long ago).
ALTER TABLE api_tokens ADD COLUMN rate_tat TIMESTAMPTZ;
