-- Monthly plan quotas and spend budgets (docs/limits.md "Quotas and budgets"). Portable SQL: runs
-- on SQLite and PostgreSQL. Times are epoch milliseconds.

-- Settled usage per counter and calendar month (UTC), period = 'YYYY-MM'. The source of truth that
-- survives restarts; live counters (in process or in Redis) are seeded from it. Written by a batch
-- writer that adds deltas, so a crash can only leave it short by the last unflushed batch.
-- held: open reservations, kept here only by the database store (limits without Redis across
-- replicas: row locks), which writes used and held in the reserve/settle transactions themselves.
CREATE TABLE quota_usage (
    scope       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    metric      TEXT NOT NULL,
    period      TEXT NOT NULL,
    used        BIGINT NOT NULL CHECK (used >= 0),
    held        BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (scope, subject, metric, period)
);

-- Open reservations of the database store: one line "amount scope:subject:metric" per claim.
-- Deleting the row resolves it (settle, release or expiry): whoever deletes it gives the hold back.
CREATE TABLE quota_reservations (
    id          TEXT PRIMARY KEY,
    period      TEXT NOT NULL,
    claims      TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE INDEX quota_reservations_expiry ON quota_reservations(expires_at);

-- Every reset of a subject's counters (POST /admin/accounts/{id}/usage/reset): who, why, when,
-- and what was zeroed (JSON object metric -> used before the reset).
CREATE TABLE quota_resets (
    id          TEXT PRIMARY KEY,
    scope       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    period      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    previous    TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX quota_resets_subject ON quota_resets(scope, subject, created_at);
