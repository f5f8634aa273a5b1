package dev.tollgate.ledger;

import dev.tollgate.ledger.Rows.AccountRow;
import dev.tollgate.ledger.Rows.HoldRow;
import dev.tollgate.ledger.Rows.SliceRow;
import dev.tollgate.ledger.Rows.TransferRow;
import dev.tollgate.store.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch's result with one multi-row statement per table. Updates carry the values read
 * under lock as a guard; a guard that does not match means a writer bypassed the locks, and the
 * batch is re-run.
 */
final class LedgerWrites {
    private static final int PARAMETERS_MAX = 30_000;

    private LedgerWrites() {}

    static void write(Connection c, BatchState state) throws SQLException {
        List<HoldRow> inserted = new ArrayList<>();
        List<HoldRow> updated = new ArrayList<>();
        for (HoldRow h : state.holds()) {
            if (h.isNew) inserted.add(h);
            else if (h.changed) updated.add(h);
        }
        List<AccountRow> accounts = new ArrayList<>();
        for (AccountRow a : state.accounts()) {
            if (!a.changed()) continue;
            if (!a.exists) throw new IllegalStateException("balance row missing for changed account " + a.account);
            accounts.add(a);
        }
        List<SliceRow> newSlices = new ArrayList<>();
        List<SliceRow> changedSlices = new ArrayList<>();
        for (SliceRow sl : state.slices()) {
            if (sl.isNew) newSlices.add(sl);
            else if (sl.changed) changedSlices.add(sl);
        }
        insertSlices(c, newSlices);
        updateSlices(c, changedSlices);
        insertHolds(c, inserted);
        updateHolds(c, updated);
        insertTransfers(c, state.newTransfers);
        updateAccounts(c, accounts);
        addToSystemAccounts(c, state.systemDeltas); // last: every batch touches them, keep their lock short
    }

    private static void insertHolds(Connection c, List<HoldRow> holds) throws SQLException {
        int columns = 10;
        for (List<HoldRow> chunk : chunks(holds, columns)) {
            try (Statements.Lease lease = Statements.prepare(c, multiRowInsert("INSERT INTO ledger_holds (id, account, "
                    + "amount, status, created_at, expires_at, resolved_at, actual, posted, replica) VALUES ", columns,
                    chunk.size()))) {
                PreparedStatement ps = lease.statement();
                int base = 0;
                for (HoldRow h : chunk) {
                    ps.setString(base + 1, h.id);
                    ps.setString(base + 2, h.account);
                    ps.setLong(base + 3, h.amount);
                    ps.setString(base + 4, h.status.sql());
                    ps.setLong(base + 5, h.createdAt);
                    ps.setLong(base + 6, h.expiresAt);
                    setLong(ps, base + 7, h.resolvedAt);
                    setLong(ps, base + 8, h.actual);
                    setLong(ps, base + 9, h.posted);
                    ps.setString(base + 10, h.replica);
                    base += columns;
                }
                ps.executeUpdate();
            }
        }
    }

    private static void updateHolds(Connection c, List<HoldRow> holds) throws SQLException {
        int columns = 6;
        for (List<HoldRow> chunk : chunks(holds, columns)) {
            try (Statements.Lease lease = Statements.prepare(c, "UPDATE ledger_holds SET status = v.column2, "
                    + "resolved_at = v.column3, actual = v.column4, posted = v.column5 FROM ("
                    + values(columns, chunk.size()) + ") AS v WHERE ledger_holds.id = v.column1 "
                    + "AND ledger_holds.status = v.column6 AND ledger_holds.posted IS NULL")) {
                PreparedStatement ps = lease.statement();
                int base = 0;
                for (HoldRow h : chunk) {
                    ps.setString(base + 1, h.id);
                    ps.setString(base + 2, h.status.sql());
                    setLong(ps, base + 3, h.resolvedAt);
                    setLong(ps, base + 4, h.actual);
                    setLong(ps, base + 5, h.posted);
                    ps.setString(base + 6, h.statusBefore.sql());
                    base += columns;
                }
                requireUpdated(ps.executeUpdate(), chunk.size(), "hold");
            }
        }
    }

    private static void insertSlices(Connection c, List<SliceRow> slices) throws SQLException {
        int columns = 10;
        for (List<SliceRow> chunk : chunks(slices, columns)) {
            try (Statements.Lease lease = Statements.prepare(c, multiRowInsert("INSERT INTO ledger_slices (id, account, "
                    + "replica, amount, status, created_at, expires_at, resolved_at, recalled_at, acked_at) VALUES ",
                    columns, chunk.size()))) {
                PreparedStatement ps = lease.statement();
                int base = 0;
                for (SliceRow s : chunk) {
                    ps.setString(base + 1, s.id);
                    ps.setString(base + 2, s.account);
                    ps.setString(base + 3, s.replica);
                    ps.setLong(base + 4, s.amount);
                    ps.setString(base + 5, s.status.sql());
                    ps.setLong(base + 6, s.createdAt);
                    ps.setLong(base + 7, s.expiresAt);
                    setLong(ps, base + 8, s.resolvedAt);
                    setLong(ps, base + 9, s.recalledAt);
                    setLong(ps, base + 10, s.ackedAt);
                    base += columns;
                }
                ps.executeUpdate();
            }
        }
    }

    /** Guarded by amount, status and expiry as read: a lease renewal in between makes the batch re-run. */
    private static void updateSlices(Connection c, List<SliceRow> slices) throws SQLException {
        int columns = 10;
        for (List<SliceRow> chunk : chunks(slices, columns)) {
            try (Statements.Lease lease = Statements.prepare(c, "UPDATE ledger_slices SET amount = v.column2, "
                    + "status = v.column3, resolved_at = v.column4, recalled_at = v.column5, acked_at = v.column6, "
                    + "expires_at = v.column10 "
                    + "FROM (" + values(columns, chunk.size()) + ") AS v WHERE ledger_slices.id = v.column1 "
                    + "AND ledger_slices.amount = v.column7 AND ledger_slices.status = v.column8 "
                    + "AND ledger_slices.expires_at = v.column9")) {
                PreparedStatement ps = lease.statement();
                int base = 0;
                for (SliceRow s : chunk) {
                    ps.setString(base + 1, s.id);
                    ps.setLong(base + 2, s.amount);
                    ps.setString(base + 3, s.status.sql());
                    setLong(ps, base + 4, s.resolvedAt);
                    setLong(ps, base + 5, s.recalledAt);
                    setLong(ps, base + 6, s.ackedAt);
                    ps.setLong(base + 7, s.amountBefore);
                    ps.setString(base + 8, s.statusBefore.sql());
                    ps.setLong(base + 9, s.expiresAt);
                    ps.setLong(base + 10, s.newExpiresAt);
                    base += columns;
                }
                requireUpdated(ps.executeUpdate(), chunk.size(), "slice");
            }
        }
    }

    private static void insertTransfers(Connection c, List<TransferRow> transfers) throws SQLException {
        for (List<TransferRow> chunk : chunks(transfers, TransferColumns.COUNT)) {
            try (Statements.Lease lease = Statements.prepare(c, multiRowInsert("INSERT INTO ledger_transfers ("
                    + TransferColumns.SELECT + ") VALUES ", TransferColumns.COUNT, chunk.size()))) {
                PreparedStatement ps = lease.statement();
                for (int i = 0; i < chunk.size(); i++) TransferColumns.bind(ps, i * TransferColumns.COUNT, chunk.get(i));
                ps.executeUpdate();
            }
        }
    }

    private static void updateAccounts(Connection c, List<AccountRow> accounts) throws SQLException {
        int columns = 6;
        for (List<AccountRow> chunk : chunks(accounts, columns)) {
            try (Statements.Lease lease = Statements.prepare(c, "UPDATE ledger_balances SET posted = v.column2, "
                    + "held = v.column3, seq = v.column4 FROM (" + values(columns, chunk.size()) + ") AS v "
                    + "WHERE ledger_balances.account = v.column1 AND ledger_balances.posted = v.column5 "
                    + "AND ledger_balances.held = v.column6")) {
                PreparedStatement ps = lease.statement();
                int base = 0;
                for (AccountRow a : chunk) {
                    ps.setString(base + 1, a.account);
                    ps.setLong(base + 2, a.posted);
                    ps.setLong(base + 3, a.held);
                    ps.setLong(base + 4, a.seq);
                    ps.setLong(base + 5, a.postedBefore);
                    ps.setLong(base + 6, a.heldBefore);
                    base += columns;
                }
                requireUpdated(ps.executeUpdate(), chunk.size(), "balance");
            }
        }
    }

    /** Upsert in sorted order: system rows are created on first use and only ever added to. */
    private static void addToSystemAccounts(Connection c, Map<String, long[]> deltas) throws SQLException {
        if (deltas.isEmpty()) return;
        try (Statements.Lease lease = Statements.prepare(c, "INSERT INTO ledger_balances (account, posted, held, seq) "
                + "VALUES (?, ?, 0, ?) ON CONFLICT (account) DO UPDATE SET "
                + "posted = ledger_balances.posted + excluded.posted, seq = ledger_balances.seq + excluded.seq")) {
            PreparedStatement ps = lease.statement();
            for (Map.Entry<String, long[]> e : deltas.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setLong(2, e.getValue()[0]);
                ps.setLong(3, e.getValue()[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * One multi-row INSERT instead of a JDBC batch of single rows: a single statement for the
     * server to plan and execute. Rows per statement stay under SQLite's 32,766 parameters.
     */
    private static String multiRowInsert(String prefix, int columns, int rows) {
        return prefix + values(columns, rows).substring("VALUES ".length());
    }

    /**
     * {@code VALUES (?,..),(?,..)}: SQLite and PostgreSQL both name its columns column1, column2, …,
     * which lets one UPDATE … FROM (VALUES …) write many rows, each with its own guard.
     */
    private static String values(int columns, int rows) {
        String row = "(" + "?,".repeat(columns - 1) + "?)";
        StringBuilder sql = new StringBuilder(7 + rows * (row.length() + 1)).append("VALUES ");
        for (int i = 0; i < rows; i++) sql.append(i == 0 ? "" : ",").append(row);
        return sql.toString();
    }

    /**
     * Splits the rows into statements of a power-of-two number of rows each, largest first (13 rows: 8, 4, 1), under
     * SQLite's parameter limit: a few distinct statements per table serve every batch size and stay compiled
     * ({@link Statements}); compiling a statement sized to each batch cost more than the extra executions.
     */
    private static <T> List<List<T>> chunks(List<T> rows, int columns) {
        int perStatement = Integer.highestOneBit(PARAMETERS_MAX / columns);
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < rows.size(); ) {
            int size = Math.min(perStatement, Integer.highestOneBit(rows.size() - from));
            out.add(rows.subList(from, from + size));
            from += size;
        }
        return out;
    }

    private static void requireUpdated(int updated, int expected, String what) {
        if (updated != expected) throw new BatchState.StaleRead(what + " row changed outside the batch's locks");
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, v);
    }
}
