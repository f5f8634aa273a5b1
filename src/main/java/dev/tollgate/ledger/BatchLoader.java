package dev.tollgate.ledger;

import dev.tollgate.ledger.Rows.AccountRow;
import dev.tollgate.ledger.Rows.HoldRow;
import dev.tollgate.ledger.Rows.SliceRow;
import dev.tollgate.ledger.Rows.TransferRow;
import dev.tollgate.store.Dialect;
import dev.tollgate.store.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Reads what a batch needs, inside its transaction. On PostgreSQL the user balance rows are locked
 * with FOR UPDATE in byte order of the account id (the order Java sorts them in), so concurrent processes never deadlock and never overshoot; on
 * SQLite the IMMEDIATE transaction already holds the database write lock.
 */
final class BatchLoader {
    /** Keys per IN list; a power of two, as every list is padded to one (see {@link #inChunks}). */
    private static final int IN_CHUNK = 512;
    private static final String SLICE_COLUMNS = "id, account, replica, amount, status, created_at, expires_at, "
            + "resolved_at, recalled_at, acked_at";
    private static final String HOLD_COLUMNS = "id, account, amount, status, created_at, expires_at, resolved_at, actual, posted";

    private BatchLoader() {}

    /** Open holds past their expiry, oldest first, at most {@code max}. */
    static Map<String, String> expiredHolds(Connection c, long nowMs, int max) throws SQLException {
        return idToAccount(c, "SELECT id, account FROM ledger_holds "
                + "WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT ?", nowMs, max);
    }

    /** Open holds placed by replicas whose lease lapsed (docs/operations.md "Replica leases"): id → account. */
    static Map<String, String> lapsedReplicaHolds(Connection c, long nowMs, int max) throws SQLException {
        return idToAccount(c, "SELECT h.id, h.account FROM replicas r "
                + "JOIN ledger_holds h ON h.replica = r.id AND h.status = 'open' WHERE r.expires_at <= ? LIMIT ?", nowMs, max);
    }

    /** Open slices past their expiry, oldest first, at most {@code max}: id → account. */
    static Map<String, String> expiredSlices(Connection c, long nowMs, int max) throws SQLException {
        return idToAccount(c, "SELECT id, account FROM ledger_slices "
                + "WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT ?", nowMs, max);
    }

    /** Runs {@code sql} (parameters: now, limit) whose rows are (id, account): id → account. */
    private static Map<String, String> idToAccount(Connection c, String sql, long nowMs, int max) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Statements.Lease s = Statements.prepare(c, sql)) {
            PreparedStatement ps = s.statement();
            ps.setLong(1, nowMs);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The slices with these ids, and every open slice of these accounts (which a refusal may recall). */
    static Map<String, SliceRow> slices(Connection c, Collection<String> ids, Collection<String> openOfAccounts)
            throws SQLException {
        Map<String, SliceRow> out = new HashMap<>();
        RowReader reader = rs -> out.put(str(rs, 1), new SliceRow(str(rs, 1), str(rs, 2), str(rs, 3), lng(rs, 4),
                SliceStatus.ofSql(str(rs, 5)), lng(rs, 6), lng(rs, 7), nullableLong(rs, 8), nullableLong(rs, 9),
                nullableLong(rs, 10), false));
        inChunks(c, "SELECT " + SLICE_COLUMNS + " FROM ledger_slices WHERE id IN ", ids, "", reader);
        inChunks(c, "SELECT " + SLICE_COLUMNS + " FROM ledger_slices WHERE status = 'open' AND account IN ",
                openOfAccounts, "", reader);
        return out;
    }

    /** Creates missing balance rows (sorted, so concurrent creators wait in one order). */
    static void ensureAccounts(Connection c, SortedSet<String> accounts) throws SQLException {
        if (accounts.isEmpty()) return;
        try (Statements.Lease s = Statements.prepare(c, "INSERT INTO ledger_balances (account, posted, held, seq) "
                + "VALUES (?, 0, 0, 0) ON CONFLICT (account) DO NOTHING")) {
            PreparedStatement ps = s.statement();
            for (String a : accounts) {
                ps.setString(1, a);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Locks and reads the balance rows; an account without a row reads as zero. */
    static Map<String, AccountRow> lockAccounts(Connection c, Dialect dialect, SortedSet<String> accounts)
            throws SQLException {
        Map<String, AccountRow> out = new HashMap<>();
        String lock = dialect == Dialect.POSTGRES ? " ORDER BY account COLLATE \"C\" FOR UPDATE" : "";
        inChunks(c, "SELECT account, posted, held, seq FROM ledger_balances WHERE account IN ", accounts, lock,
                rs -> out.put(str(rs, 1), new AccountRow(str(rs, 1), lng(rs, 2), lng(rs, 3), lng(rs, 4), true)));
        for (String a : accounts) out.computeIfAbsent(a, k -> new AccountRow(k, 0, 0, 0, false));
        return out;
    }

    static Map<String, HoldRow> holds(Connection c, Collection<String> ids) throws SQLException {
        Map<String, HoldRow> out = new HashMap<>();
        inChunks(c, "SELECT " + HOLD_COLUMNS + " FROM ledger_holds WHERE id IN ", ids, "", rs -> out.put(str(rs, 1),
                new HoldRow(str(rs, 1), str(rs, 2), lng(rs, 3), lng(rs, 5), lng(rs, 6), false,
                        HoldStatus.ofSql(str(rs, 4)), nullableLong(rs, 7), nullableLong(rs, 8), nullableLong(rs, 9))));
        return out;
    }

    static Map<String, TransferRow> transfers(Connection c, Collection<String> ids) throws SQLException {
        Map<String, TransferRow> out = new HashMap<>();
        inChunks(c, "SELECT " + TransferColumns.SELECT + " FROM ledger_transfers WHERE id IN ", ids, "",
                rs -> out.put(str(rs, 1), TransferColumns.read(rs)));
        return out;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code sqlPrefix (?,?,…) suffix} over the keys, at most {@link #IN_CHUNK} at a time. Each list is padded to a
     * power of two by repeating its last key (the same rows either way), so a handful of distinct statements serve every
     * batch size and stay compiled ({@link Statements}).
     */
    private static void inChunks(Connection c, String sqlPrefix, Collection<String> keys, String suffix,
                                 RowReader reader) throws SQLException {
        List<String> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            int slots = Integer.highestOneBit(chunk.size() * 2 - 1); // the next power of two
            String sql = sqlPrefix + "(" + "?,".repeat(slots - 1) + "?)" + suffix;
            try (Statements.Lease s = Statements.prepare(c, sql)) {
                PreparedStatement ps = s.statement();
                for (int i = 0; i < slots; i++) ps.setString(i + 1, chunk.get(Math.min(i, chunk.size() - 1)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) reader.read(rs);
                }
            }
        }
    }

    private static String str(ResultSet rs, int i) throws SQLException { return rs.getString(i); }

    private static long lng(ResultSet rs, int i) throws SQLException { return rs.getLong(i); }

    static Long nullableLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }
}
