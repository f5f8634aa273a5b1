-- Cross-account top end users (docs/analytics.md) reads the end users of a few accounts at a time
-- (account_id IN (...)), each over the window: the users index leads with the account so each account is one
-- index-only range, instead of a scan of every account's rows in the window filtered by account.
DROP INDEX usage_rollups_users;
CREATE INDEX usage_rollups_users ON usage_rollups(period, scope, account_id, bucket, end_user, requests, ok, failed,
    input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_micros, cache_savings_micros, cache_hits,
    latency_ms_sum) WHERE scope = 'u';
