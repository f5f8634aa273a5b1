package dev.tollgate.ledger;

import dev.tollgate.ledger.Rows.AccountRow;
import dev.tollgate.ledger.Rows.HoldRow;
import dev.tollgate.store.Database;
import dev.tollgate.store.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies one batch of operations in one transaction: read and lock what the batch touches, run
 * the rules in memory ({@link BatchState}), write the result, commit. Returns one outcome per
 * operation, in order; the caller completes the futures only after this returns (= durable).
 */
final class BatchApplier {
    /** The value for an operation's future, or the ledger error it failed with. */
    record Outcome(Object value, LedgerException error) {}

    private final Database db;
    private final Clock clock;

    BatchApplier(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    List<Outcome> apply(List<Op> ops) throws SQLException {
        boolean movesMoney = ops.stream().anyMatch(op -> op instanceof Op.Settle || op instanceof Op.Grant);
        try (Connection c = db.connection()) {
            if (!movesMoney) relaxDurability(c, true);
            try {
                c.setAutoCommit(false);
                if (!movesMoney && db.dialect() == Dialect.POSTGRES) execute(c, "SET LOCAL synchronous_commit TO OFF");
                try {
                    List<Outcome> out = run(c, ops);
                    c.commit();
                    return out;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } finally {
                c.setAutoCommit(true);
                if (!movesMoney) relaxDurability(c, false);
            }
        }
    }

    /**
     * A batch of only holds, releases and expiries moves no money: it is committed (visible to every
     * process at once, and safe against a process crash) without waiting for the disk. A power loss
     * can then forget such a hold — an early release, never a lost or double charge — and the next
     * batch that settles or grants flushes it anyway, because the log is written in order.
     */
    private void relaxDurability(Connection c, boolean relax) throws SQLException {
        if (db.dialect() != Dialect.SQLITE) return; // PostgreSQL: SET LOCAL inside the transaction
        execute(c, relax ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private List<Outcome> run(Connection c, List<Op> ops) throws SQLException {
        long nowMs = clock.millis();
        Set<String> resolveIds = new HashSet<>();
        Set<String> holdIds = new HashSet<>();
        Set<String> transferIds = new HashSet<>();
        TreeSet<String> accounts = new TreeSet<>();
        TreeSet<String> grantAccounts = new TreeSet<>();
        for (Op op : ops) {
            switch (op) {
                case Op.PlaceHold h -> { holdIds.add(h.holdId()); transferIds.add(h.holdId()); accounts.add(h.account()); }
                case Op.Settle s -> { resolveIds.add(s.holdId()); transferIds.add(s.holdId()); }
                case Op.Release r -> resolveIds.add(r.holdId());
                case Op.Grant g -> { transferIds.add(g.transferId()); holdIds.add(g.transferId()); grantAccounts.add(g.account()); }
                case Op.ExpireHolds e -> { }
            }
        }
        accounts.addAll(grantAccounts);
        // SQLite: BEGIN IMMEDIATE already holds the write lock, so this read is final.
        // PostgreSQL: it only tells which accounts to lock; the holds are read again under the lock.
        boolean lockedAlready = db.dialect() == Dialect.SQLITE;
        Map<String, HoldRow> resolving = BatchLoader.holds(c, resolveIds);
        for (HoldRow h : resolving.values()) accounts.add(h.account);
        Map<Op, List<String>> expiring = new HashMap<>();
        for (Op op : ops) {
            if (op instanceof Op.ExpireHolds e) {
                Map<String, String> found = BatchLoader.expiredHolds(c, nowMs, e.max());
                expiring.put(op, new ArrayList<>(found.keySet()));
                accounts.addAll(found.values());
                holdIds.addAll(found.keySet());
            }
        }
        if (!lockedAlready) holdIds.addAll(resolveIds);
        BatchLoader.ensureAccounts(c, grantAccounts);
        Map<String, AccountRow> locked = BatchLoader.lockAccounts(c, db.dialect(), accounts);
        // Read holds and transfers only now: with the account rows locked, every earlier writer
        // of these holds has committed, so what we read cannot change under us.
        Map<String, HoldRow> holds = BatchLoader.holds(c, holdIds);
        if (lockedAlready) resolving.forEach(holds::putIfAbsent);
        BatchState state = new BatchState(nowMs, locked, holds, BatchLoader.transfers(c, transferIds));
        List<Outcome> out = new ArrayList<>(ops.size());
        for (Op op : ops) out.add(applyOne(state, op, expiring.get(op)));
        LedgerWrites.write(c, state);
        return out;
    }

    private static Outcome applyOne(BatchState state, Op op, List<String> expiring) {
        try {
            Object value = switch (op) {
                case Op.PlaceHold h -> state.placeHold(h);
                case Op.Settle s -> state.settle(s);
                case Op.Release r -> state.release(r);
                case Op.Grant g -> state.grant(g);
                case Op.ExpireHolds e -> (int) expiring.stream().filter(state::expire).count();
            };
            return new Outcome(value, null);
        } catch (LedgerException e) {
            return new Outcome(null, e);
        }
    }
}
