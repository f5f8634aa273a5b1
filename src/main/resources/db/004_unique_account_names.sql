-- Account names are unique: the CLI and the dashboard address accounts by name, and a second
-- "acme" would make "acme" mean nothing. Portable SQL: runs on SQLite and PostgreSQL.
-- A store from before this rule may hold duplicates. The first account of each name (earliest
-- created_at, then smallest id) keeps it; every later one becomes name-id, unique because ids are.
-- Which rows to rename is decided from the rows as they were before this statement on both
-- stores (PostgreSQL's snapshot; SQLite collects the rows first when the WHERE reads the table).
UPDATE accounts SET name = name || '-' || id
WHERE EXISTS (SELECT 1 FROM accounts earlier
              WHERE earlier.name = accounts.name
                AND (earlier.created_at < accounts.created_at
                     OR (earlier.created_at = accounts.created_at AND earlier.id < accounts.id)));

CREATE UNIQUE INDEX accounts_name ON accounts(name);
