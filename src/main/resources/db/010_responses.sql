-- Stored Responses API answers (docs/providers.md "Responses API"). Portable SQL: SQLite and PostgreSQL.
-- input: the request's own input items (JSON array, history from previous_response_id NOT repeated);
-- response: the whole response object as answered (JSON, its output items and usage included).
-- A chain is rebuilt by following previous_response_id, always within one account.
CREATE TABLE responses (
    id                   TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL,
    previous_response_id TEXT,
    created_at           BIGINT NOT NULL,
    input                TEXT NOT NULL,
    response             TEXT NOT NULL
);
CREATE INDEX responses_account ON responses(account_id, created_at);
