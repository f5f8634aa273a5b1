-- The preset a request used (docs/presets.md "Usage"): its slug and the version applied, null when none.
-- Portable SQL: SQLite and PostgreSQL. Old events keep null.
ALTER TABLE usage_events ADD COLUMN preset TEXT;
ALTER TABLE usage_events ADD COLUMN preset_version INTEGER;
-- One account's use of one preset, by time (GET /v1/presets/{slug}/usage); partial, so requests without a
-- preset (most of them) cost the writer nothing here.
CREATE INDEX usage_events_preset ON usage_events(account_id, preset, created_at) WHERE preset IS NOT NULL;
