package dev.tollgate.ledger;

import dev.tollgate.ledger.Rows.AccountRow;
import dev.tollgate.ledger.Rows.HoldRow;
import dev.tollgate.ledger.Rows.TransferRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch's result as JDBC batches. Updates carry the values read under lock as a guard;
 * a guard that does not match means a writer bypassed the locks, and the batch is re-run.
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
        insertHolds(c, inserted);
        updateHolds(c, updated);
        insertTransfers(c, state.newTransfers);
        updateAccounts(c, accounts);
        addToSystemAccounts(c, state.systemDeltas); // last: every batch touches them, keep their lock short
    }

    private static void insertHolds(Connection c, List<HoldRow> holds) throws SQLException {
        int columns = 9;
        for (List<HoldRow> chunk : chunks(holds, columns)) {
            try (PreparedStatement ps = c.prepareStatement(multiRowInsert("INSERT INTO ledger_holds (id, account, "
                    + "amount, status, created_at, expires_at, resolved_at, actual, posted) VALUES ", columns, chunk.size()))) {
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
                    base += columns;
                }
                ps.executeUpdate();
            }
        }
    }

    private static void updateHolds(Connection c, List<HoldRow> holds) throws SQLException {
        if (holds.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE ledger_holds SET status = ?, resolved_at = ?, "
                + "actual = ?, posted = ? WHERE id = ? AND status = ? AND posted IS NULL")) {
            for (HoldRow h : holds) {
                ps.setString(1, h.status.sql());
                setLong(ps, 2, h.resolvedAt);
                setLong(ps, 3, h.actual);
                setLong(ps, 4, h.posted);
                ps.setString(5, h.id);
                ps.setString(6, h.statusBefore.sql());
                ps.addBatch();
            }
            requireAllUpdated(ps.executeBatch(), "hold");
        }
    }

    private static void insertTransfers(Connection c, List<TransferRow> transfers) throws SQLException {
        for (List<TransferRow> chunk : chunks(transfers, TransferColumns.COUNT)) {
            try (PreparedStatement ps = c.prepareStatement(multiRowInsert("INSERT INTO ledger_transfers ("
                    + TransferColumns.SELECT + ") VALUES ", TransferColumns.COUNT, chunk.size()))) {
                for (int i = 0; i < chunk.size(); i++) TransferColumns.bind(ps, i * TransferColumns.COUNT, chunk.get(i));
                ps.executeUpdate();
            }
        }
    }

    private static void updateAccounts(Connection c, List<AccountRow> accounts) throws SQLException {
        if (accounts.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE ledger_balances SET posted = ?, held = ?, seq = ? "
                + "WHERE account = ? AND posted = ? AND held = ?")) {
            for (AccountRow a : accounts) {
                ps.setLong(1, a.posted);
                ps.setLong(2, a.held);
                ps.setLong(3, a.seq);
                ps.setString(4, a.account);
                ps.setLong(5, a.postedBefore);
                ps.setLong(6, a.heldBefore);
                ps.addBatch();
            }
            requireAllUpdated(ps.executeBatch(), "balance");
        }
    }

    /** Upsert in sorted order: system rows are created on first use and only ever added to. */
    private static void addToSystemAccounts(Connection c, Map<String, long[]> deltas) throws SQLException {
        if (deltas.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_balances (account, posted, held, seq) "
                + "VALUES (?, ?, 0, ?) ON CONFLICT (account) DO UPDATE SET "
                + "posted = ledger_balances.posted + excluded.posted, seq = ledger_balances.seq + excluded.seq")) {
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
        String row = "(" + "?,".repeat(columns - 1) + "?)";
        StringBuilder sql = new StringBuilder(prefix.length() + rows * (row.length() + 1)).append(prefix);
        for (int i = 0; i < rows; i++) sql.append(i == 0 ? "" : ",").append(row);
        return sql.toString();
    }

    private static <T> List<List<T>> chunks(List<T> rows, int columns) {
        int perStatement = PARAMETERS_MAX / columns;
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += perStatement) {
            out.add(rows.subList(from, Math.min(rows.size(), from + perStatement)));
        }
        return out;
    }

    private static void requireAllUpdated(int[] counts, String what) {
        for (int n : counts) {
            // SUCCESS_NO_INFO (-2) would hide a lost guard; the drivers we use report counts.
            if (n != 1) throw new BatchState.StaleRead(what + " row changed outside the batch's locks");
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, v);
    }
}
