package dev.tollgate.ledger;

import dev.tollgate.store.Database;
import dev.tollgate.store.Dialect;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Proves the ledger's invariants from one consistent snapshot: every balance row equals the replay
 * of its transfers and open holds, debits equal credits, each user account's history is a gap-free
 * chain of balance_after values, every hold resolved once and consistently with its charge, and no
 * user account has a negative available balance.
 */
final class LedgerVerifier {
    private static final int PROBLEMS_LISTED_MAX = 100;

    private final List<String> problems = new ArrayList<>();
    private long problemCount;
    /** account → {posted, held, transfers} replayed from the append-only tables. */
    private final Map<String, long[]> replay = new HashMap<>();
    private long transfers;
    private long holds;
    private long openHolds;

    private LedgerVerifier() {}

    static VerifyReport verify(Database db) {
        LedgerVerifier v = new LedgerVerifier();
        try (Connection c = db.connection()) {
            if (db.dialect() == Dialect.POSTGRES) c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                v.replayTransfers(st);
                v.checkHolds(st);
                v.checkSlices(st);
                long accounts = v.checkBalances(st);
                v.checkOrphanCharges(st);
                c.rollback();
                return new VerifyReport(v.transfers, accounts, v.holds, v.openHolds, List.copyOf(v.problems),
                        v.problemCount);
            }
        } catch (SQLException e) {
            throw new StoreException("verify ledger", e);
        }
    }

    private void replayTransfers(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT id, debit_account, credit_account, amount, account, account_seq, "
                + "balance_after FROM ledger_transfers ORDER BY account, account_seq")) {
            while (rs.next()) {
                transfers++;
                String id = rs.getString(1), debit = rs.getString(2), credit = rs.getString(3), user = rs.getString(5);
                long amount = rs.getLong(4);
                if (SystemAccounts.isSystem(user) || !(user.equals(debit) || user.equals(credit))
                        || debit.equals(credit)) {
                    problem("transfer " + id + " must move between its user account and a system account");
                }
                apply(debit, -amount);
                apply(credit, amount);
                long[] u = replay.get(user);
                if (u != null && rs.getLong(6) != u[2]) problem("transfer " + id + " has seq " + rs.getLong(6) + ", expected " + u[2]);
                if (u != null && rs.getLong(7) != u[0]) problem("transfer " + id + " balance_after " + rs.getLong(7) + " != replay " + u[0]);
            }
        }
    }

    private void apply(String account, long delta) {
        long[] r = replay.computeIfAbsent(account, k -> new long[3]);
        r[0] += delta;
        r[2] += 1;
    }

    private void checkHolds(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT h.id, h.account, h.amount, h.status, h.resolved_at, h.posted, "
                + "t.type, t.amount, t.account FROM ledger_holds h LEFT JOIN ledger_transfers t ON t.id = h.id")) {
            while (rs.next()) {
                holds++;
                String id = rs.getString(1);
                HoldStatus status = HoldStatus.ofSql(rs.getString(4));
                Long posted = BatchLoader.nullableLong(rs, 6);
                boolean resolved = BatchLoader.nullableLong(rs, 5) != null;
                String chargeType = rs.getString(7);
                if (status == HoldStatus.OPEN) {
                    openHolds++;
                    replay.computeIfAbsent(rs.getString(2), k -> new long[3])[1] += rs.getLong(3);
                }
                if (resolved == (status == HoldStatus.OPEN)) problem("hold " + id + " is " + status + " but resolved_at disagrees");
                boolean charged = chargeType != null;
                boolean mustCharge = status == HoldStatus.SETTLED || (status == HoldStatus.EXPIRED && posted != null);
                if (charged != mustCharge || (posted != null) != mustCharge) {
                    problem("hold " + id + " is " + status + " with posted=" + posted + " and charge " + chargeType);
                } else if (charged && (!"charge".equals(chargeType) || rs.getLong(8) != posted
                        || !Objects.equals(rs.getString(9), rs.getString(2)))) {
                    problem("hold " + id + " charge transfer does not match its hold");
                }
            }
        }
    }

    /** An open slice is held money of its account (available = posted − holds − slices). */
    private void checkSlices(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT id, account, amount, status, resolved_at FROM ledger_slices")) {
            while (rs.next()) {
                String id = rs.getString(1);
                boolean open = SliceStatus.ofSql(rs.getString(4)) == SliceStatus.OPEN;
                if (open) replay.computeIfAbsent(rs.getString(2), k -> new long[3])[1] += rs.getLong(3);
                if ((BatchLoader.nullableLong(rs, 5) != null) == open) problem("slice " + id + " is "
                        + rs.getString(4) + " but resolved_at disagrees");
            }
        }
    }

    private long checkBalances(Statement st) throws SQLException {
        long rows = 0, postedSum = 0;
        Map<String, long[]> unseen = new HashMap<>(replay);
        try (ResultSet rs = st.executeQuery("SELECT account, posted, held, seq FROM ledger_balances")) {
            while (rs.next()) {
                rows++;
                String account = rs.getString(1);
                long posted = rs.getLong(2), held = rs.getLong(3), seq = rs.getLong(4);
                postedSum += posted;
                long[] r = unseen.remove(account);
                if (r == null) r = new long[3];
                if (posted != r[0] || held != r[1] || seq != r[2]) {
                    problem("balance of " + account + " is posted=" + posted + " held=" + held + " seq=" + seq
                            + " but replay gives posted=" + r[0] + " held (holds and slices)=" + r[1] + " seq=" + r[2]);
                }
                if (!SystemAccounts.isSystem(account) && posted - held < 0) {
                    problem("account " + account + " has negative available balance " + (posted - held));
                }
            }
        }
        for (String account : unseen.keySet()) problem("account " + account + " has transfers or holds but no balance row");
        if (postedSum != 0) problem("debits != credits: posted balances sum to " + postedSum);
        return rows;
    }

    private void checkOrphanCharges(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT t.id FROM ledger_transfers t LEFT JOIN ledger_holds h ON h.id = t.id "
                + "WHERE t.type = 'charge' AND h.id IS NULL")) {
            while (rs.next()) problem("charge " + rs.getString(1) + " has no hold");
        }
    }

    private void problem(String message) {
        problemCount++;
        if (problems.size() < PROBLEMS_LISTED_MAX) problems.add(message);
    }
}
