-- Accounts and their API keys. Portable SQL: runs on SQLite and PostgreSQL.
-- Times are epoch milliseconds. Balances are not stored here: they are derived by the ledger.
CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    plan        TEXT,
    created_at  BIGINT NOT NULL
);

-- Keys are stored as SHA-256 of the full key; the secret itself is shown once and never stored.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    name        TEXT,
    key_hash    TEXT NOT NULL UNIQUE,
    key_prefix  TEXT NOT NULL,
    rpm         INTEGER,
    tpm         INTEGER,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE INDEX api_keys_account ON api_keys(account_id);
