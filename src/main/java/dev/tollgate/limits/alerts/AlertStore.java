package dev.tollgate.limits.alerts;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The {@code alerts} table (008_alerts.sql). The same SQL runs on SQLite and PostgreSQL: both know
 * {@code INSERT … ON CONFLICT DO NOTHING}. Every write is one autocommit statement whose WHERE clause
 * is the whole concurrency argument: the unique key for firing, the lease for delivering.
 */
final class AlertStore {
    private static final String COLUMNS = "id, scope, subject, metric, threshold, value, limit_value, period, "
            + "created_at, delivery_status, attempts";
    private static final String CURSOR_PREFIX = "a1:";
    /** Bounds the per-account list (a month has at most subjects × metrics × thresholds rows). */
    private static final int SUBJECT_ALERTS_MAX = 200;
    private static final int ERROR_CHARS_MAX = 300;

    private final Database db;

    AlertStore(Database db) {
        this.db = db;
    }

    /** True when this call recorded the alert; false when its key was already recorded (by anyone). */
    boolean insertIfAbsent(Alert a, Long nextAttemptAtMs) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (" + COLUMNS + ", next_attempt_at) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, a.id());
            ps.setString(2, a.scope());
            ps.setString(3, a.subject());
            ps.setString(4, a.metric());
            ps.setInt(5, a.threshold());
            ps.setLong(6, a.value());
            ps.setLong(7, a.limit());
            ps.setString(8, a.period());
            ps.setLong(9, a.createdAtMs());
            ps.setString(10, a.deliveryStatus());
            ps.setInt(11, a.attempts());
            if (nextAttemptAtMs == null) ps.setNull(12, Types.BIGINT);
            else ps.setLong(12, nextAttemptAtMs);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("record alert", e);
        }
    }

    /** Newest first, {@code limit} rows before the cursor (null: from the newest). */
    AlertPage page(int limit, String beforeCursor) {
        long beforeMs = Long.MAX_VALUE;
        String beforeId = "";
        if (beforeCursor != null && !beforeCursor.isEmpty()) {
            String[] cursor = decode(beforeCursor);
            beforeMs = Long.parseLong(cursor[0]);
            beforeId = cursor[1];
        }
        List<Alert> rows = new ArrayList<>(limit + 1);
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts "
                     + "WHERE created_at < ? OR (created_at = ? AND id < ?) ORDER BY created_at DESC, id DESC LIMIT ?")) {
            ps.setLong(1, beforeMs);
            ps.setLong(2, beforeMs);
            ps.setString(3, beforeId);
            ps.setInt(4, limit + 1); // one extra row tells whether an older page exists
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(row(rs));
            }
        } catch (SQLException e) {
            throw new StoreException("list alerts", e);
        }
        if (rows.size() <= limit) return new AlertPage(List.copyOf(rows), null);
        Alert last = rows.get(limit - 1);
        return new AlertPage(List.copyOf(rows.subList(0, limit)), encode(last.createdAtMs(), last.id()));
    }

    /** The account's own alerts and its keys' of one period, newest first. */
    List<Alert> forAccount(String accountId, String period) {
        List<Alert> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE period = ? AND "
                     + "((scope = 'account' AND subject = ?) OR "
                     + "(scope = 'key' AND subject IN (SELECT id FROM api_keys WHERE account_id = ?))) "
                     + "ORDER BY created_at DESC, id DESC LIMIT " + SUBJECT_ALERTS_MAX)) {
            ps.setString(1, period);
            ps.setString(2, accountId);
            ps.setString(3, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
        } catch (SQLException e) {
            throw new StoreException("list an account's alerts", e);
        }
        return out;
    }

    Optional<Alert> find(String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("read alert", e);
        }
    }

    /** Pending deliveries due at {@code nowMs} whose lease is free (none held or expired), oldest due first. */
    List<String> due(long nowMs, int max) {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM alerts WHERE delivery_status = ? "
                     + "AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) "
                     + "ORDER BY next_attempt_at LIMIT ?")) {
            ps.setString(1, Alert.PENDING);
            ps.setLong(2, nowMs);
            ps.setLong(3, nowMs);
            ps.setInt(4, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("find due alert deliveries", e);
        }
        return ids;
    }

    /**
     * Takes the delivery lease until {@code leaseUntilMs}: true for exactly one of several replicas
     * racing for the same due row, false when someone holds it or it is no longer due.
     */
    boolean claim(String id, String owner, long nowMs, long leaseUntilMs) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE alerts SET lease_until = ?, lease_owner = ? "
                     + "WHERE id = ? AND delivery_status = ? AND next_attempt_at <= ? "
                     + "AND (lease_until IS NULL OR lease_until < ?)")) {
            ps.setLong(1, leaseUntilMs);
            ps.setString(2, owner);
            ps.setString(3, id);
            ps.setString(4, Alert.PENDING);
            ps.setLong(5, nowMs);
            ps.setLong(6, nowMs);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("claim alert delivery", e);
        }
    }

    /**
     * Records one attempt by the lease owner and releases the lease: {@code status} delivered, failed,
     * or pending again with {@code nextAttemptAtMs}. False when the lease was lost (expired and re-taken).
     */
    boolean finishAttempt(String id, String owner, String status, Long nextAttemptAtMs, Long deliveredAtMs,
                          String lastError) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE alerts SET attempts = attempts + 1, delivery_status = ?, "
                     + "next_attempt_at = ?, delivered_at = ?, last_error = ?, lease_until = NULL, lease_owner = NULL "
                     + "WHERE id = ? AND lease_owner = ?")) {
            ps.setString(1, status);
            if (nextAttemptAtMs == null) ps.setNull(2, Types.BIGINT);
            else ps.setLong(2, nextAttemptAtMs);
            if (deliveredAtMs == null) ps.setNull(3, Types.BIGINT);
            else ps.setLong(3, deliveredAtMs);
            if (lastError == null) ps.setNull(4, Types.VARCHAR);
            else ps.setString(4, lastError.length() > ERROR_CHARS_MAX ? lastError.substring(0, ERROR_CHARS_MAX) : lastError);
            ps.setString(5, id);
            ps.setString(6, owner);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("record alert delivery attempt", e);
        }
    }

    private static Alert row(ResultSet rs) throws SQLException {
        return new Alert(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getLong(9), rs.getString(10), rs.getInt(11));
    }

    private static String encode(long createdAtMs, String id) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + createdAtMs + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code [createdAtMs, id]}; IllegalArgumentException for anything this class did not encode. */
    private static String[] decode(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!s.startsWith(CURSOR_PREFIX)) throw new IllegalArgumentException("bad prefix");
            String[] parts = s.substring(CURSOR_PREFIX.length()).split(":", 2);
            if (parts.length != 2) throw new IllegalArgumentException("bad shape");
            Long.parseLong(parts[0]);
            return parts;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid alerts cursor", e);
        }
    }
}
