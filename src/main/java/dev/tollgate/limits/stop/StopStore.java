package dev.tollgate.limits.stop;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code emergency_stops} table: the truth every replica reads. Rows are never deleted, and a
 * release sets {@code released_at} once, so {@link #changeCount()} moves on every create and release.
 */
final class StopStore {
    private static final String COLUMNS = "id, scope, subject, reason, origin, created_at, released_at";

    private final Database db;

    StopStore(Database db) {
        this.db = db;
    }

    /**
     * Stores a new stop. With a {@code dedupeKey} the insert happens at most once across every
     * replica (an automatic stop once per period); returns false when that key was already used.
     */
    boolean insert(Stop s, String dedupeKey) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO emergency_stops (" + COLUMNS + ", dedupe_key) "
                     + "SELECT ?, ?, ?, ?, ?, ?, NULL, ? WHERE NOT EXISTS "
                     + "(SELECT 1 FROM emergency_stops WHERE dedupe_key = ?)")) {
            ps.setString(1, s.id());
            ps.setString(2, s.scope().wire());
            if (s.subject() == null) ps.setNull(3, Types.VARCHAR);
            else ps.setString(3, s.subject());
            ps.setString(4, s.reason());
            ps.setString(5, s.origin());
            ps.setLong(6, s.createdAtMs());
            ps.setString(7, dedupeKey);
            ps.setString(8, dedupeKey);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (dedupeKey != null && e.getMessage() != null && e.getMessage().toLowerCase().contains("unique")) {
                return false; // two replicas raced for the same automatic stop: the other one won
            }
            throw new StoreException("create emergency stop", e);
        }
    }

    /** Releases a stop; empty when no stop has that id. Releasing twice keeps the first release time. */
    Optional<Stop> release(String id, long atMs) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE emergency_stops SET released_at = ? WHERE id = ? AND released_at IS NULL")) {
            ps.setLong(1, atMs);
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("release emergency stop", e);
        }
        return find(id);
    }

    Optional<Stop> find(String id) {
        List<Stop> found = query("SELECT " + COLUMNS + " FROM emergency_stops WHERE id = ?", id, 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The active stops, oldest first. */
    List<Stop> active() {
        return query("SELECT " + COLUMNS + " FROM emergency_stops WHERE released_at IS NULL ORDER BY created_at, id", null, Integer.MAX_VALUE);
    }

    /** Every stop, active and released, newest first, at most {@code limit}. */
    List<Stop> all(int limit) {
        return query("SELECT " + COLUMNS + " FROM emergency_stops ORDER BY created_at DESC, id DESC LIMIT " + limit, null, limit);
    }

    /**
     * A number that changes whenever a stop is created or released: rows created plus rows released
     * (each only ever grows). One aggregate over a small table (stops are rare): cheap to poll.
     */
    long changeCount() {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) + COUNT(released_at) FROM emergency_stops");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("poll emergency stops", e);
        }
    }

    /** Whether an account or API key with this id exists (a stop must name something real). */
    boolean exists(StopScope scope, String id) {
        String table = switch (scope) {
            case ACCOUNT -> "accounts";
            case KEY -> "api_keys";
            default -> throw new IllegalArgumentException("only accounts and keys are looked up: " + scope);
        };
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreException("look up " + scope.wire(), e);
        }
    }

    private List<Stop> query(String sql, String param, int limit) {
        List<Stop> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (out.size() < limit && rs.next()) {
                    long released = rs.getLong(7);
                    Long releasedAt = rs.wasNull() ? null : released;
                    out.add(new Stop(rs.getString(1), StopScope.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), releasedAt));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("read emergency stops", e);
        }
        return out;
    }
}
