-- Presets (docs/presets.md): a named model + params + system prompt, per account, optionally public.
-- Portable SQL: SQLite and PostgreSQL. params: a JSON object of request fields. is_public: 0 or 1.
-- version starts at 1 and grows by one on every update.
CREATE TABLE presets (
    account_id    TEXT NOT NULL,
    slug          TEXT NOT NULL,
    name          TEXT,
    model         TEXT,
    system_prompt TEXT,
    params        TEXT NOT NULL,
    is_public     INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, slug)
);
CREATE INDEX presets_public ON presets(slug, is_public);
