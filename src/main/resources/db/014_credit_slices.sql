-- Credit slices (docs/billing.md "Credit slices"): a replica reserves a durable slice of an
-- account's available balance and places request holds against it in memory. An open slice's
-- amount is part of ledger_balances.held, so available = posted - held stays the one guard
-- (its CHECK included) and `ledger verify` replays held = open holds + open slices.
-- status: open -> closed (returned by its replica) | expired (its lease ran out), exactly once.
-- recalled_at: another replica (or an admin adjustment) needed the slice's unused part back;
-- acked_at: the owner returned it (the slice keeps only what its in-flight requests hold).
CREATE TABLE ledger_slices (
    id          TEXT PRIMARY KEY,
    account     TEXT NOT NULL,
    replica     TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    recalled_at BIGINT,
    acked_at    BIGINT
);

CREATE INDEX ledger_slices_account ON ledger_slices(account, status);
CREATE INDEX ledger_slices_replica ON ledger_slices(replica, status);
CREATE INDEX ledger_slices_expiry ON ledger_slices(status, expires_at);
