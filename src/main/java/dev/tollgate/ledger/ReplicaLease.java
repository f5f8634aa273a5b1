package dev.tollgate.ledger;

import dev.tollgate.store.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * One replica's lease in the store (docs/operations.md "Replica leases"): its row in {@code replicas}
 * and the expiry of its open slices, both pushed one lease ahead by {@link #renew}. While the lease
 * is current its store holds stay open until settled or their TTL; once it lapses, any replica's
 * expiry sweep releases them, and its slices expire.
 */
final class ReplicaLease {
    final String replica;
    final long leaseMs;
    private final long startedAtMs;
    private long nextCleanupMs;

    ReplicaLease(String replica, long leaseMs, long startedAtMs) {
        this.replica = replica;
        this.leaseMs = leaseMs;
        this.startedAtMs = startedAtMs;
    }

    /**
     * Renews the lease (until {@code expiresAtMs}) and, with {@code slices}, the expiry of every open
     * slice of this replica; returns the ids of those open slices. Runs inside the caller's transaction.
     */
    Set<String> renew(Connection c, long nowMs, long expiresAtMs, boolean slices) throws SQLException {
        try (Statements.Lease lease = Statements.prepare(c, "INSERT INTO replicas (id, started_at, heartbeat_at, expires_at) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, "
                + "expires_at = excluded.expires_at")) {
            PreparedStatement ps = lease.statement();
            ps.setString(1, replica);
            ps.setLong(2, startedAtMs);
            ps.setLong(3, nowMs);
            ps.setLong(4, expiresAtMs);
            ps.executeUpdate();
        }
        if (nowMs >= nextCleanupMs) { // rows of replicas gone for a day: no hold lives that long
            try (Statements.Lease lease = Statements.prepare(c, "DELETE FROM replicas WHERE expires_at < ?")) {
                PreparedStatement ps = lease.statement();
                ps.setLong(1, nowMs - Ledger.HOLD_TTL_MAX.toMillis());
                ps.executeUpdate();
            }
            nextCleanupMs = nowMs + 3_600_000;
        }
        Set<String> open = new HashSet<>();
        if (!slices) return open;
        try (Statements.Lease lease = Statements.prepare(c, "UPDATE ledger_slices SET expires_at = ? "
                + "WHERE replica = ? AND status = 'open' AND expires_at < ?")) {
            PreparedStatement ps = lease.statement();
            ps.setLong(1, expiresAtMs);
            ps.setString(2, replica);
            ps.setLong(3, expiresAtMs);
            ps.executeUpdate();
        }
        try (Statements.Lease lease = Statements.prepare(c, "SELECT id FROM ledger_slices WHERE replica = ? AND status = 'open'")) {
            PreparedStatement ps = lease.statement();
            ps.setString(1, replica);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) open.add(rs.getString(1));
            }
        }
        return open;
    }
}
