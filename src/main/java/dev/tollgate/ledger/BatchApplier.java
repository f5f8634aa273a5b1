package dev.tollgate.ledger;

import dev.tollgate.ledger.Rows.AccountRow;
import dev.tollgate.ledger.Rows.HoldRow;
import dev.tollgate.ledger.Rows.SliceRow;
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
    /** credits.durability: async — every batch commits without waiting for the disk (docs/billing.md). */
    private final boolean asyncCommits;

    /** The store this applier writes to (its reachability is marked by the writer). */
    Database db() { return db; }

    BatchApplier(Database db, Clock clock, boolean asyncCommits) {
        this.db = db;
        this.clock = clock;
        this.asyncCommits = asyncCommits;
    }

    List<Outcome> apply(List<Op> ops) throws SQLException {
        boolean movesMoney = !asyncCommits && ops.stream().anyMatch(
                op -> op instanceof Op.Settle || op instanceof Op.Grant || op instanceof Op.SliceCharge);
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
        Set<String> sliceIds = new HashSet<>();
        Map<Op, Object> renewed = new HashMap<>(); // first, so this batch's reads see the renewed expiry
        Set<String> recallAccounts = new HashSet<>();
        for (Op op : ops) {
            switch (op) {
                case Op.PlaceHold h -> {
                    holdIds.add(h.holdId()); transferIds.add(h.holdId()); accounts.add(h.account());
                    if (h.recallBy() != null) recallAccounts.add(h.account());
                }
                case Op.Settle s -> { resolveIds.add(s.holdId()); transferIds.add(s.holdId()); }
                case Op.Release r -> resolveIds.add(r.holdId());
                case Op.Grant g -> {
                    transferIds.add(g.transferId()); holdIds.add(g.transferId()); grantAccounts.add(g.account());
                    if (g.recallBy() != null && g.amount() < 0) recallAccounts.add(g.account());
                }
                case Op.ExpireHolds e -> { }
                case Op.GrowSlice g -> { sliceIds.add(g.sliceId()); accounts.add(g.account()); }
                case Op.SliceCharge sc -> {
                    sliceIds.add(sc.sliceId()); holdIds.add(sc.holdId()); transferIds.add(sc.holdId()); accounts.add(sc.account());
                }
                case Op.ShrinkSlice k -> { sliceIds.add(k.sliceId()); accounts.add(k.account()); }
                case Op.Renew r -> renewed.put(r, r.lease().renew(c, r.nowMs(), r.expiresAtMs(), r.slices()));
            }
        }
        accounts.addAll(grantAccounts);
        // SQLite: BEGIN IMMEDIATE already holds the write lock, so this read is final.
        // PostgreSQL: it only tells which accounts to lock; the holds are read again under the lock.
        boolean lockedAlready = db.dialect() == Dialect.SQLITE;
        Map<String, HoldRow> resolving = BatchLoader.holds(c, resolveIds);
        for (HoldRow h : resolving.values()) accounts.add(h.account);
        Map<Op, List<String>> expiring = new HashMap<>();
        Map<Op, List<String>> expiringSlices = new HashMap<>();
        Map<Op, List<String>> expiringLapsed = new HashMap<>();
        for (Op op : ops) {
            if (op instanceof Op.ExpireHolds e) {
                Map<String, String> found = BatchLoader.expiredHolds(c, nowMs, e.max());
                expiring.put(op, new ArrayList<>(found.keySet()));
                accounts.addAll(found.values());
                holdIds.addAll(found.keySet());
                Map<String, String> lapsed = BatchLoader.lapsedReplicaHolds(c, nowMs, e.max());
                expiringLapsed.put(op, new ArrayList<>(lapsed.keySet()));
                accounts.addAll(lapsed.values());
                holdIds.addAll(lapsed.keySet());
                Map<String, String> slices = BatchLoader.expiredSlices(c, nowMs, e.max());
                expiringSlices.put(op, new ArrayList<>(slices.keySet()));
                accounts.addAll(slices.values());
                sliceIds.addAll(slices.keySet());
            }
        }
        if (!lockedAlready) holdIds.addAll(resolveIds);
        BatchLoader.ensureAccounts(c, grantAccounts);
        Map<String, AccountRow> locked = BatchLoader.lockAccounts(c, db.dialect(), accounts);
        // Read holds and transfers only now: with the account rows locked, every earlier writer
        // of these holds has committed, so what we read cannot change under us.
        Map<String, HoldRow> holds = BatchLoader.holds(c, holdIds);
        if (lockedAlready) resolving.forEach(holds::putIfAbsent);
        // Slices too: every writer of a slice row holds its account's lock (lease renewals excepted,
        // and the write's guard catches those).
        Map<String, SliceRow> slices = sliceIds.isEmpty() && recallAccounts.isEmpty() ? Map.of()
                : BatchLoader.slices(c, sliceIds, recallAccounts);
        BatchState state = new BatchState(nowMs, locked, holds, BatchLoader.transfers(c, transferIds), slices);
        List<Outcome> out = new ArrayList<>(ops.size());
        for (Op op : ops) {
            out.add(op instanceof Op.Renew ? new Outcome(renewed.get(op), null)
                    : applyOne(state, op, expiring.get(op), expiringSlices.get(op), expiringLapsed.get(op)));
        }
        LedgerWrites.write(c, state);
        return out;
    }

    private static Outcome applyOne(BatchState state, Op op, List<String> expiring, List<String> expiringSlices,
                                    List<String> lapsed) {
        try {
            Object value = switch (op) {
                case Op.PlaceHold h -> state.placeHold(h);
                case Op.Settle s -> state.settle(s);
                case Op.Release r -> state.release(r);
                case Op.Grant g -> state.grant(g);
                case Op.ExpireHolds e -> (int) (expiring.stream().filter(state::expire).count()
                        + lapsed.stream().filter(state::expireLapsed).count()
                        + expiringSlices.stream().filter(state::expireSlice).count());
                case Op.GrowSlice g -> state.growSlice(g);
                case Op.SliceCharge c -> state.sliceCharge(c);
                case Op.ShrinkSlice k -> state.shrinkSlice(k);
                case Op.Renew r -> throw new IllegalStateException("renewals run before the batch's reads");
            };
            return new Outcome(value, null);
        } catch (LedgerException e) {
            return new Outcome(null, e);
        }
    }
}
