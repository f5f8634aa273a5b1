package dev.tollgate.ledger;

import dev.tollgate.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background side of a replica's slices: renews their leases (one UPDATE for all of them), answers
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
    private final Thread thread;
    private volatile boolean closing;

    SliceKeeper(Slices slices, Database db, Clock clock) {
        this.slices = slices;
        this.db = db;
        this.clock = clock;
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
             PreparedStatement ps = c.prepareStatement("SELECT id, account FROM ledger_slices WHERE replica = ? "
                     + "AND status = 'open' AND recalled_at IS NOT NULL AND acked_at IS NULL")) {
            ps.setString(1, slices.replica);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) recalled.put(rs.getString(1), rs.getString(2));
            }
        }
        recalled.forEach(slices::recalled);
    }

    /** Pushes the expiry of every open slice of this replica one lease ahead, then tells Slices which are open. */
    private void renew() throws SQLException {
        if (slices.sliceIds().isEmpty()) return;
        long now = clock.millis();
        Set<String> open = new HashSet<>();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("UPDATE ledger_slices SET expires_at = ? "
                        + "WHERE replica = ? AND status = 'open' AND expires_at < ?")) {
                    ps.setLong(1, now + slices.leaseMs);
                    ps.setString(2, slices.replica);
                    ps.setLong(3, now + slices.leaseMs);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM ledger_slices WHERE replica = ? AND status = 'open'")) {
                    ps.setString(1, slices.replica);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) open.add(rs.getString(1));
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
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
}
