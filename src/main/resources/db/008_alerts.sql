-- Threshold alerts (docs/alerts.md). Portable SQL: runs on SQLite and PostgreSQL. Times are epoch ms.
-- The UNIQUE key is what makes a threshold fire once per period across every replica: each replica
-- INSERTs ... ON CONFLICT DO NOTHING, and only the one whose row went in delivers the webhook.
-- value / limit_value are in the metric's unit (tokens, messages, images, *_micros: millionths).
-- delivery_status: none (no webhook configured) | pending -> delivered | failed.
-- A pending row is sent by the replica holding its lease (lease_until in the future, lease_owner);
-- an expired lease (a replica died mid-delivery) lets any replica claim it again.
CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    scope           TEXT NOT NULL,
    subject         TEXT NOT NULL,
    metric          TEXT NOT NULL,
    threshold       INTEGER NOT NULL,
    period          TEXT NOT NULL,
    value           BIGINT NOT NULL,
    limit_value     BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    delivery_status TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    lease_until     BIGINT,
    lease_owner     TEXT,
    delivered_at    BIGINT,
    last_error      TEXT,
    UNIQUE (scope, subject, metric, threshold, period)
);

-- GET /admin/alerts pages newest first by (created_at, id).
CREATE INDEX alerts_created ON alerts(created_at, id);

-- The delivery sweep: pending rows whose next attempt is due.
CREATE INDEX alerts_due ON alerts(delivery_status, next_attempt_at);

-- One subject's alerts of a period (GET /v1/usage).
CREATE INDEX alerts_subject ON alerts(subject, period);
