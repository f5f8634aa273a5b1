-- The preset a request used (docs/presets.md "Usage"): its slug and the version applied, null when none.
-- Portable SQL: SQLite and PostgreSQL. Old events keep null.
ALTER TABLE usage_events ADD COLUMN preset TEXT;
ALTER TABLE usage_events ADD COLUMN preset_version INTEGER;
