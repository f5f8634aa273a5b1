-- Account-scoped key management (docs/dashboard.md#managing-keys): a key with can_manage_keys = 1 may
-- list, create and revoke its own account's keys through /v1/keys. Only the admin grants the right.
-- key_events is the audit trail of key changes made through that API and of the right being set.
ALTER TABLE api_keys ADD COLUMN can_manage_keys INTEGER NOT NULL DEFAULT 0;

CREATE TABLE key_events (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX key_events_account ON key_events(account_id, created_at);
