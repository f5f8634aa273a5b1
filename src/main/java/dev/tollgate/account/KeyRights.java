package dev.tollgate.account;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * The account-scoped key-management right (docs/dashboard.md#managing-keys): a key whose
 * {@code can_manage_keys} is set may list, create and revoke its own account's keys. Only the admin
 * sets it; keys made with it never get it. Every change made this way, and every grant or removal of
 * the right, is a row in {@code key_events} (018_key_management.sql). Read from the store on each
 * management call (rare), so a removed right holds at once on every replica.
 */
public final class KeyRights {
    /** The actor recorded for changes made with the admin token. */
    public static final String ADMIN = "admin";

    private final Database db;
    private final Clock clock;

    public KeyRights(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public boolean canManage(String keyId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT can_manage_keys FROM api_keys WHERE id = ? AND revoked_at IS NULL")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            throw new StoreException("read key right", e);
        }
    }

    /** The ids of the account's keys that hold the right (revoked ones included, as they were). */
    public Set<String> managers(String accountId) {
        Set<String> out = new HashSet<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id FROM api_keys WHERE account_id = ? AND can_manage_keys = 1")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("list key managers", e);
        }
        return out;
    }

    /** Grants or removes the right; audited. @return false when no such key exists */
    public boolean set(String keyId, boolean allowed, String actor) {
        String accountId;
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET can_manage_keys = ? WHERE id = ?")) {
            ps.setInt(1, allowed ? 1 : 0);
            ps.setString(2, keyId);
            if (ps.executeUpdate() != 1) return false;
            accountId = accountOf(c, keyId);
        } catch (SQLException e) {
            throw new StoreException("set key right", e);
        }
        record(accountId, keyId, allowed ? "grant_manage_keys" : "remove_manage_keys", actor);
        return true;
    }

    /** The account a key belongs to, or null when there is no such key. */
    public String accountOf(String keyId) {
        try (Connection c = db.connection()) {
            return accountOf(c, keyId);
        } catch (SQLException e) {
            throw new StoreException("find key", e);
        }
    }

    private static String accountOf(Connection c, String keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT account_id FROM api_keys WHERE id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** One audit row: {@code action} (create, revoke, grant_manage_keys, remove_manage_keys) by {@code actor} (a key id or admin). */
    public void record(String accountId, String keyId, String action, String actor) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO key_events (id, account_id, key_id, action, actor,"
                     + " created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, ApiKeys.newId("kev"));
            ps.setString(2, accountId);
            ps.setString(3, keyId);
            ps.setString(4, action);
            ps.setString(5, actor);
            ps.setLong(6, clock.millis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("record key event", e);
        }
    }
}
