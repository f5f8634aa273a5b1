package dev.tollgate.limits.quota;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The tables {@code quota_usage} (settled usage per counter and month) and {@code quota_resets} (audit). */
final class UsageStore {
    /** Adds a delta; the result never goes below zero (a reset's negative delta racing a lost batch). */
    private static final String ADD = "INSERT INTO quota_usage (scope, subject, metric, period, used, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, subject, metric, period) DO UPDATE SET "
            + "used = CASE WHEN quota_usage.used + ? < 0 THEN 0 ELSE quota_usage.used + ? END, "
            + "updated_at = excluded.updated_at";

    private final Database db;

    UsageStore(Database db) {
        this.db = db;
    }

    /** Settled usage of {@code counters} in {@code period}; absent rows are 0. One query per subject. */
    Map<Counter, Long> read(YearMonth period, List<Counter> counters) {
        Map<Counter, Long> out = new HashMap<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT used FROM quota_usage WHERE scope = ? AND subject = ? AND metric = ? AND period = ?")) {
            for (Counter counter : counters) {
                ps.setString(1, counter.scope());
                ps.setString(2, counter.subject());
                ps.setString(3, counter.metric());
                ps.setString(4, Periods.name(period));
                try (ResultSet rs = ps.executeQuery()) {
                    out.put(counter, rs.next() ? rs.getLong(1) : 0L);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading quota usage", e);
        }
        return out;
    }

    /** Adds every delta in one transaction (the batch writer's flush). */
    void add(Map<UsageWriter.Entry, Long> deltas, long nowMs) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(ADD)) {
                for (Map.Entry<UsageWriter.Entry, Long> e : deltas.entrySet()) {
                    Counter counter = e.getKey().counter();
                    long delta = e.getValue();
                    ps.setString(1, counter.scope());
                    ps.setString(2, counter.subject());
                    ps.setString(3, counter.metric());
                    ps.setString(4, Periods.name(e.getKey().period()));
                    ps.setLong(5, Math.max(0, delta));
                    ps.setLong(6, nowMs);
                    ps.setLong(7, delta);
                    ps.setLong(8, delta);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("writing quota usage", e);
        }
    }

    /** Records a reset: what each metric's counter held before it was zeroed. Returns the record's id. */
    String recordReset(String scope, String subject, YearMonth period, String reason, Map<String, Long> previous, long nowMs) {
        try (Connection c = db.connection()) {
            return recordReset(c, scope, subject, period, reason, previous, nowMs);
        } catch (SQLException e) {
            throw new StoreException("recording a quota reset", e);
        }
    }

    /** As above, in the caller's transaction. */
    String recordReset(Connection c, String scope, String subject, YearMonth period, String reason,
                       Map<String, Long> previous, long nowMs) throws SQLException {
        String id = "qr_" + UUID.randomUUID().toString().replace("-", "");
        StringBuilder json = new StringBuilder("{");
        previous.forEach((metric, used) -> {
            if (json.length() > 1) json.append(',');
            json.append('"').append(metric).append("\":").append(used);
        });
        json.append('}');
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO quota_resets "
                + "(id, scope, subject, period, reason, previous, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, scope);
            ps.setString(3, subject);
            ps.setString(4, Periods.name(period));
            ps.setString(5, reason);
            ps.setString(6, json.toString());
            ps.setLong(7, nowMs);
            ps.executeUpdate();
        }
        return id;
    }
}
