-- Limits (docs/limits.md): per-account overrides of the plan, and a key's own limits beyond rpm/tpm.
-- NULL = not set (the plan or the next level decides); 0 = unlimited for rpm, tpm and max_parallel.
-- Budgets are µcr per calendar month (UTC). A key's models is a JSON array of public names, NULL = all.
ALTER TABLE accounts ADD COLUMN monthly_budget BIGINT;
ALTER TABLE accounts ADD COLUMN rpm INTEGER;
ALTER TABLE accounts ADD COLUMN tpm INTEGER;
ALTER TABLE accounts ADD COLUMN max_parallel INTEGER;
ALTER TABLE api_keys ADD COLUMN max_parallel INTEGER;
ALTER TABLE api_keys ADD COLUMN monthly_budget BIGINT;
ALTER TABLE api_keys ADD COLUMN models TEXT;
