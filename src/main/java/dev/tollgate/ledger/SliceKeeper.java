package dev.tollgate.ledger;

import dev.tollgate.store.Database;
import dev.tollgate.store.Dialect;
import dev.tollgate.store.Statements;
import java.util.concurrent.CompletableFuture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background side of a replica: renews its lease in {@code replicas} (docs/operations.md "Replica
 * leases") and its slices' leases (one UPDATE for all of them) every lease ÷ 5, answers
 * recalls from other replicas within {@link #RECALL_POLL_MS} (polled only while it has slices), expires in-memory holds past their TTL
 * and gives back slices nothing used for {@link #IDLE_RETURN_MS}. One platform thread, two cheap
 * indexed statements a tick.
 */
final class SliceKeeper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SliceKeeper.class.getName());
    static final long RECALL_POLL_MS = 20;
    static final long IDLE_RETURN_MS = 30_000;
    private static final long SWEEP_MS = 1_000;

    private final Slices slices;
    private final Database db;
    private final Clock clock;
    private final BatchWriter writer;
    private final ReplicaLease lease;
    private final Thread thread;
    private volatile boolean closing;

    SliceKeeper(Slices slices, Database db, BatchWriter writer, Clock clock) {
        this.slices = slices;
        this.db = db;
        this.writer = writer;
        this.clock = clock;
        this.lease = new ReplicaLease(slices.replica, slices.leaseMs, clock.millis());
        this.thread = Thread.ofPlatform().name("tollgate-slice-keeper").daemon(true).start(this::loop);
    }

    private void loop() {
        long renewEveryNs = TimeUnit.MILLISECONDS.toNanos(Math.max(100, slices.leaseMs / 5));
        long nextRenewNs = System.nanoTime();
        long nextSweepNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MS);
        while (!closing) {
            try {
                answerRecalls();
                if (System.nanoTime() - nextRenewNs >= 0) {
                    renew();
                    nextRenewNs = System.nanoTime() + renewEveryNs;
                }
                if (System.nanoTime() - nextSweepNs >= 0) {
                    slices.expire();
                    slices.returnIdle(IDLE_RETURN_MS);
                    nextSweepNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MS);
                }
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, "slice keeper: " + e.getMessage(), e); // retried next tick
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RECALL_POLL_MS));
        }
    }

    /** Slices of this replica that another replica (or an adjustment) asked back and we have not answered. */
    private void answerRecalls() throws SQLException {
        if (slices.sliceIds().isEmpty()) return; // nothing of ours to recall (left-overs expire with their lease)
        Map<String, String> recalled = new LinkedHashMap<>();
        try (Connection c = db.connection();
             Statements.Lease lease = Statements.prepare(c, "SELECT id, account FROM ledger_slices WHERE replica = ? "
                     + "AND status = 'open' AND recalled_at IS NOT NULL AND acked_at IS NULL")) { // 50 times a second
            PreparedStatement ps = lease.statement();
            ps.setString(1, slices.replica);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) recalled.put(rs.getString(1), rs.getString(2));
            }
        }
        recalled.forEach(slices::recalled);
    }

    /** Pushes the expiry of every open slice of this replica one lease ahead, then tells Slices which are open. */
    /**
     * Renews the lease and the slices' expiry. On SQLite through the writer (one process owns the file, and
     * a second writer would only queue behind the batches and starve); on PostgreSQL in a short
     * transaction of its own, which takes no account lock.
     */
    private void renew() throws SQLException {
        long now = clock.millis();
        boolean withSlices = !slices.sliceIds().isEmpty();
        Set<String> open;
        if (db.dialect() == Dialect.SQLITE) {
            CompletableFuture<Set<String>> f = new CompletableFuture<>();
            open = writer.call(new Op.Renew(lease, now, now + lease.leaseMs, withSlices, f), f);
        } else {
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try {
                    open = lease.renew(c, now, now + lease.leaseMs, withSlices);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        }
        slices.renewed(open, now);
    }

    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** At shutdown, after the slices went back: the lease ends now, so anything left is released at once. */
    void endLease() {
        try (Connection c = db.connection()) {
            long now = clock.millis();
            lease.renew(c, now, now, false);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "ending the replica lease", e); // it lapses on its own
        }
    }
}
