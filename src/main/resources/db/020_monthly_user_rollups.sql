-- Monthly rollups read only by cross-account top end users (docs/analytics.md "Top end users"): period 'm'
-- (bucket = the first day of the calendar month, UTC, 00:00) for scopes 'u' (account × end user) and 'a'
-- (account). From now on the usage writer adds them in the same transaction as the daily rows; this backfills them
-- from the daily rows already stored, so an upgraded store answers exactly as a new one. The month of a daily
-- bucket is found with integer arithmetic only (H. Hinnant's civil-from-days), the same on SQLite and PostgreSQL:
-- z is the day number shifted to 0000-03-01, doy the day of the year counted from March, and
-- doy - (153 * mp + 2) / 5 the day of the month minus one.
INSERT INTO usage_rollups (period, scope, bucket, account_id, key_id, end_user, model, provider, task, requests, ok,
    failed, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_micros, cache_savings_micros, cache_hits,
    latency_ms_sum)
WITH days AS (
    SELECT DISTINCT bucket FROM usage_rollups WHERE period = 'd' AND scope = 'a'
), z AS (
    SELECT bucket, bucket / 86400000 + 719468 AS z FROM days
), era AS (
    SELECT bucket, z - (z / 146097) * 146097 AS doe FROM z
), yr AS (
    SELECT bucket, doe, (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365 AS yoe FROM era
), dy AS (
    SELECT bucket, doe - (365 * yoe + yoe / 4 - yoe / 100) AS doy FROM yr
), months AS (
    SELECT bucket, bucket - (doy - (153 * ((5 * doy + 2) / 153) + 2) / 5) * 86400000 AS month FROM dy
)
SELECT 'm', r.scope, m.month, r.account_id, '', r.end_user, '', '', '', SUM(r.requests), SUM(r.ok), SUM(r.failed),
    SUM(r.input_tokens), SUM(r.output_tokens), SUM(r.cached_tokens), SUM(r.reasoning_tokens), SUM(r.cost_micros),
    SUM(r.cache_savings_micros), SUM(r.cache_hits), SUM(r.latency_ms_sum)
FROM usage_rollups r JOIN months m ON m.bucket = r.bucket
WHERE r.period = 'd' AND r.scope IN ('u', 'a')
GROUP BY r.scope, m.month, r.account_id, r.end_user;

-- The two cross-account indexes without their scope column: PostgreSQL leaves a condition its partial index's
-- predicate already implies (scope = 'u' / 'a') out of the index's search keys, so a key after scope could not bound
-- the range: a read of a few accounts' users scanned every account's rows of the period, and the active accounts of
-- the last 24 hours scanned every hourly account row ever written (293 ms at 10 M events). Without scope, each account
-- (users) and each window (accounts) is one range on both stores (SQLite reads them the same way).
DROP INDEX usage_rollups_users;
CREATE INDEX usage_rollups_users ON usage_rollups(period, account_id, bucket, end_user, requests, ok, failed,
    input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_micros, cache_savings_micros, cache_hits,
    latency_ms_sum) WHERE scope = 'u';
DROP INDEX usage_rollups_accounts;
CREATE INDEX usage_rollups_accounts ON usage_rollups(period, bucket, account_id, requests, ok, failed, input_tokens,
    output_tokens, cached_tokens, reasoning_tokens, cost_micros, cache_savings_micros, cache_hits, latency_ms_sum)
    WHERE scope = 'a';
