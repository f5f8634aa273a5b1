-- Provider budgets (docs/routing.md "Provider budgets") sum a provider's charges over the current
-- calendar month: this index makes that one range read instead of a scan of every transfer.
CREATE INDEX ledger_transfers_provider_time ON ledger_transfers(provider, created_at);
