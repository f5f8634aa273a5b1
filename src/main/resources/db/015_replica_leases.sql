-- Replica leases (docs/operations.md "Replica leases"): every gateway process is a replica with a
-- random id and a lease it renews every second or so. When a replica's lease lapses (kill -9, a
-- host gone), any live replica's expiry sweep releases the holds it placed in the store (and its
-- credit slices, whose own expiry follows the same lease), instead of waiting for credits.hold_ttl_ms.
CREATE TABLE replicas (
    id           TEXT PRIMARY KEY,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE INDEX replicas_expiry ON replicas(expires_at);

-- The replica that placed a store hold; NULL for holds placed without a lease (CLI, older versions).
ALTER TABLE ledger_holds ADD COLUMN replica TEXT;
CREATE INDEX ledger_holds_replica ON ledger_holds(replica, status);
