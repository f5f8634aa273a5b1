-- Emergency stops (docs/operations.md "Emergency stop"). Rows are never deleted: a release sets
-- released_at once, so COUNT(*) and COUNT(released_at) together change on every change, which is
-- the cheap query every replica polls. dedupe_key makes an automatic stop happen once per period
-- (NULL for stops made by hand; both stores allow many NULLs in a UNIQUE column).
CREATE TABLE emergency_stops (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    subject TEXT,
    reason TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    released_at BIGINT,
    dedupe_key TEXT UNIQUE
);
CREATE INDEX emergency_stops_active ON emergency_stops(released_at);
