-- Conversations (docs/conversations.md): OpenAI's Conversations API, a list of items per conversation.
-- Portable SQL: SQLite and PostgreSQL. Times are epoch milliseconds.
-- metadata: a JSON object of at most 16 strings; title: set by the caller or generated after the first exchange.
-- next_seq: the position the next appended item takes (taken by an UPDATE, so concurrent appends serialise
-- on the row); item_count: how many items the conversation holds now (deleted items leave gaps in seq).
CREATE TABLE conversations (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    title       TEXT,
    metadata    TEXT NOT NULL,
    next_seq    BIGINT NOT NULL,
    item_count  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX conversations_account ON conversations(account_id, created_at, id);

-- One item (a Responses API item: message, function_call, function_call_output, reasoning) as JSON, in order.
CREATE TABLE conversation_items (
    conversation_id TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    id              TEXT NOT NULL,
    item            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX conversation_items_id ON conversation_items(conversation_id, id);

-- The conversation a usage event belongs to (chat completions with conversation_id, Responses with conversation),
-- for GET /v1/conversations/{id}/stats. Only those events are indexed.
ALTER TABLE usage_events ADD COLUMN conversation_id TEXT;
CREATE INDEX usage_events_conversation ON usage_events(conversation_id, account_id) WHERE conversation_id IS NOT NULL;
