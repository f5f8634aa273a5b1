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
        if (holds.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_holds (id, account, amount, status, "
                + "created_at, expires_at, resolved_at, actual, posted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (HoldRow h : holds) {
                ps.setString(1, h.id);
                ps.setString(2, h.account);
                ps.setLong(3, h.amount);
                ps.setString(4, h.status.sql());
                ps.setLong(5, h.createdAt);
                ps.setLong(6, h.expiresAt);
                setLong(ps, 7, h.resolvedAt);
                setLong(ps, 8, h.actual);
                setLong(ps, 9, h.posted);
                ps.addBatch();
            }
            ps.executeBatch();
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
        if (transfers.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(TransferColumns.INSERT)) {
            for (TransferRow t : transfers) {
                TransferColumns.bind(ps, t);
                ps.addBatch();
            }
            ps.executeBatch();
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
