-- The double-entry ledger. Portable SQL: runs on SQLite and PostgreSQL. Amounts are micro-credits
-- (1 credit = 1,000,000), times are epoch milliseconds.

-- Append-only postings. Every transfer moves `amount` (>= 0) from debit_account to credit_account;
-- exactly one side is a user account (`account`), the other a system account ('system:...').
-- account_seq numbers the transfers of that user account (1, 2, ...) and orders its history;
-- balance_after is that account's posted balance after this transfer.
-- A charge's id is its hold id; the token counts and price version make it re-derivable.
CREATE TABLE ledger_transfers (
    id                  TEXT PRIMARY KEY,
    type                TEXT NOT NULL,
    debit_account       TEXT NOT NULL,
    credit_account      TEXT NOT NULL,
    amount              BIGINT NOT NULL CHECK (amount >= 0),
    account             TEXT NOT NULL,
    account_seq         BIGINT NOT NULL,
    balance_after       BIGINT NOT NULL,
    reason              TEXT,
    request_id          TEXT,
    model               TEXT,
    provider            TEXT,
    price_version       TEXT,
    input_tokens        BIGINT,
    cached_input_tokens BIGINT,
    output_tokens       BIGINT,
    reasoning_tokens    BIGINT,
    created_at          BIGINT NOT NULL,
    UNIQUE (account, account_seq)
);

-- Two-phase holds. status: open -> settled | released | expired, exactly once.
-- A settled hold records what the caller asked for (actual) and what was posted; the
-- difference is the shortfall (usage above the hold that the balance could not cover).
CREATE TABLE ledger_holds (
    id          TEXT PRIMARY KEY,
    account     TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    actual      BIGINT,
    posted      BIGINT
);

CREATE INDEX ledger_holds_expiry ON ledger_holds(status, expires_at);

-- Derived state, always equal to the replay of ledger_transfers and the open ledger_holds.
-- seq = number of transfers of the account. System accounts may go negative; users never below
-- zero available (checked in code before every write; this CHECK is the last line of defence).
CREATE TABLE ledger_balances (
    account TEXT PRIMARY KEY,
    posted  BIGINT NOT NULL,
    held    BIGINT NOT NULL CHECK (held >= 0),
    seq     BIGINT NOT NULL,
    CHECK (account LIKE 'system:%' OR posted - held >= 0)
);
