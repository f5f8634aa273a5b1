-- Image history (docs/images.md): the images /v1/images/generations returned, per account. Portable SQL: SQLite and
-- PostgreSQL (BYTEA is a type name SQLite accepts; a blob is stored as it is). Times are epoch milliseconds.
-- data: the decoded image when the provider returned b64_json (null otherwise); url: the provider's URL when it
-- returned one (not fetched; such URLs usually expire). byte_count: length of data (0 without), for the size bound.
CREATE TABLE images (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    model          TEXT NOT NULL,
    prompt         TEXT NOT NULL,
    revised_prompt TEXT,
    size           TEXT,
    quality        TEXT,
    content_type   TEXT,
    data           BYTEA,
    byte_count     BIGINT NOT NULL,
    url            TEXT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX images_account ON images(account_id, created_at, id);
