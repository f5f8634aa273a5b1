-- Usage analytics (docs/analytics.md). Portable SQL: runs on SQLite and PostgreSQL.
-- Times are epoch milliseconds (UTC), money is µcr (1 credit = 1,000,000).

-- One row per request, successful or not; kept usage.retention_days, deleted in bounded batches.
-- id is the gateway's own (unique across replicas); request_id is what x-request-id said.
CREATE TABLE usage_events (
    id                   TEXT PRIMARY KEY,
    request_id           TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    account_id           TEXT NOT NULL,
    key_id               TEXT,
    end_user             TEXT,
    tags                 TEXT,
    endpoint             TEXT NOT NULL,
    requested_model      TEXT,
    model                TEXT,
    provider             TEXT,
    upstream_model       TEXT,
    calls                INTEGER NOT NULL,
    fallback             INTEGER NOT NULL,
    attempts             TEXT,
    task                 TEXT,
    task_declared        INTEGER NOT NULL,
    complexity           TEXT,
    status               INTEGER NOT NULL,
    error_code           TEXT,
    input_tokens         BIGINT NOT NULL,
    output_tokens        BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    cache_write_tokens   BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cost_micros          BIGINT NOT NULL,
    cache_savings_micros BIGINT NOT NULL,
    cache_hit            INTEGER NOT NULL,
    streamed             INTEGER NOT NULL,
    latency_ms           BIGINT NOT NULL,
    ttfb_ms              BIGINT NOT NULL
);

CREATE INDEX usage_events_time ON usage_events(created_at);

-- Counters per period ('h' hour, 'd' day; bucket = its start) and scope (docs/analytics.md "Rollups"):
-- 'k' account × key × end user × model × provider × task (daily only), 'p' account × model × provider × task,
-- 'u' account × end user, 'y' account × key (daily only), 'a' account, 's' model × provider × task over all
-- accounts. Dimensions a scope leaves out, and unknown ones, are ''. Maintained by the usage writer in the
-- same transaction as the events; every analytics query reads these, never usage_events.
CREATE TABLE usage_rollups (
    period               TEXT NOT NULL,
    scope                TEXT NOT NULL,
    bucket               BIGINT NOT NULL,
    account_id           TEXT NOT NULL,
    key_id               TEXT NOT NULL,
    end_user             TEXT NOT NULL,
    model                TEXT NOT NULL,
    provider             TEXT NOT NULL,
    task                 TEXT NOT NULL,
    requests             BIGINT NOT NULL,
    ok                   BIGINT NOT NULL,
    failed               BIGINT NOT NULL,
    input_tokens         BIGINT NOT NULL,
    output_tokens        BIGINT NOT NULL,
    cached_tokens        BIGINT NOT NULL,
    reasoning_tokens     BIGINT NOT NULL,
    cost_micros          BIGINT NOT NULL,
    cache_savings_micros BIGINT NOT NULL,
    cache_hits           BIGINT NOT NULL,
    latency_ms_sum       BIGINT NOT NULL,
    PRIMARY KEY (account_id, period, scope, bucket, key_id, end_user, model, provider, task)
);

-- The key serves one account's rows of a period and scope over a time range (the caller's views) and, with
-- account_id '', the all-accounts scope 's'. Views across accounts of scopes 'a' and 'u' (top accounts, top
-- end users, active accounts, plans) read these partial indexes, which the other scopes' writes never touch.
-- They cover every counter, so those views read the index alone (no lookup into the table per row).
CREATE INDEX usage_rollups_accounts ON usage_rollups(period, scope, bucket, account_id, requests, ok, failed, input_tokens,
    output_tokens, cached_tokens, reasoning_tokens, cost_micros, cache_savings_micros, cache_hits, latency_ms_sum)
    WHERE scope = 'a';
CREATE INDEX usage_rollups_users ON usage_rollups(period, scope, bucket, account_id, end_user, requests, ok, failed,
    input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_micros, cache_savings_micros, cache_hits,
    latency_ms_sum) WHERE scope = 'u';
