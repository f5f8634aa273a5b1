-- Prompt-cache writes of a charge (docs/billing.md): Anthropic bills writes dearer than plain input (5-minute
-- and 1-hour TTLs at their own prices), so a charge with writes can be re-derived from its row only with these.
-- NULL on rows written before this migration and on non-charge transfers (read as 0).
ALTER TABLE ledger_transfers ADD COLUMN cache_write_tokens BIGINT;
ALTER TABLE ledger_transfers ADD COLUMN cache_write_1h_tokens BIGINT;
