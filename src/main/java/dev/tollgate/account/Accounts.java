package dev.tollgate.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accounts and API keys in the store. Key lookups on the request path go through a small cache;
 * a revocation through this process invalidates it at once, other processes see it within the
 * cache TTL ({@code server.key_cache_ttl_ms}).
 */
public final class Accounts {
    private static final String ACCOUNT_COLUMNS = "id, name, plan, created_at, rpm, tpm, max_parallel, monthly_budget";
    private static final String KEY_LIMIT_COLUMNS = "k.rpm, k.tpm, k.max_parallel, k.monthly_budget, k.models";
    private final Database db;
    private final Clock clock;
    private final Cache<String, Optional<Principal>> byHash;

    public Accounts(Database db, Clock clock, Duration keyCacheTtl) {
        this.db = db;
        this.clock = clock;
        this.byHash = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(keyCacheTtl).build();
    }

    /** Names are shown and typed (CLI, dashboard): short enough for a line, never empty. */
    public static final int NAME_CHARS_MAX = 200;

    /** Why {@code name} cannot name an account, or null when it can; the API and the CLI ask the same question. */
    public static String nameProblem(String name) {
        if (name == null || name.isBlank()) return "an account name must not be empty";
        if (name.length() > NAME_CHARS_MAX) return "an account name must be at most " + NAME_CHARS_MAX + " characters";
        return null;
    }

    /**
     * @throws IllegalArgumentException when {@link #nameProblem} names a problem
     * @throws AccountNameTakenException when another account has this name (the UNIQUE index says so, atomically)
     */
    public Account create(String name, String plan) {
        String problem = nameProblem(name);
        if (problem != null) throw new IllegalArgumentException(problem);
        Account a = new Account(ApiKeys.newId("acct"), name, plan, clock.millis());
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO accounts (id, name, plan, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, a.id());
            ps.setString(2, a.name());
            ps.setString(3, a.plan());
            ps.setLong(4, a.createdAtMs());
            ps.executeUpdate();
            return a;
        } catch (SQLException e) {
            if (db.dialect().isUniqueViolation(e) && isNameIndex(e)) throw new AccountNameTakenException(name);
            throw new StoreException("create account", e);
        }
    }

    /** SQLite says "accounts.name", PostgreSQL names the index "accounts_name" (004_unique_account_names.sql). */
    private static boolean isNameIndex(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("accounts.name") || m.contains("accounts_name");
    }

    public Optional<Account> find(String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(account(rs));
            }
        } catch (SQLException e) {
            throw new StoreException("find account", e);
        }
    }

    /** Resolves an account by id, or by name when exactly one account has that name (for the CLI). */
    public Optional<Account> findByIdOrName(String idOrName) {
        Optional<Account> byId = find(idOrName);
        if (byId.isPresent()) return byId;
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE name = ?")) {
            ps.setString(1, idOrName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                Account a = account(rs);
                return rs.next() ? Optional.empty() : Optional.of(a);
            }
        } catch (SQLException e) {
            throw new StoreException("find account", e);
        }
    }

    public record CreatedKey(String id, String secret) {}

    public CreatedKey createKey(String accountId, String name, Integer rpm, Integer tpm) {
        return createKeyWithLimits(accountId, name, new LimitOverrides(rpm, tpm, null, null), null);
    }

    /** A new key with its own limits and allowed models (null = every model); the secret is returned once. */
    public CreatedKey createKeyWithLimits(String accountId, String name, LimitOverrides limits, Set<String> models) {
        String secret = ApiKeys.newSecret();
        String id = ApiKeys.newId("key");
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (id, account_id, name, key_hash, key_prefix,"
                     + " rpm, tpm, max_parallel, monthly_budget, models, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, accountId);
            ps.setString(3, name);
            ps.setString(4, ApiKeys.hashHex(secret));
            ps.setString(5, ApiKeys.displayPrefix(secret));
            setNullable(ps, 6, limits.rpm());
            setNullable(ps, 7, limits.tpm());
            setNullable(ps, 8, limits.maxParallel());
            setNullable(ps, 9, limits.monthlyBudgetMicros());
            ps.setString(10, KeyModels.toJson(models));
            ps.setLong(11, clock.millis());
            ps.executeUpdate();
            return new CreatedKey(id, secret);
        } catch (SQLException e) {
            throw new StoreException("create key", e);
        }
    }

    /**
     * Sets or clears (value null) the given columns of one account: {@code plan}, {@code rpm}, {@code tpm},
     * {@code max_parallel}, {@code monthly_budget} (µcr). Cached principals are dropped at once, so this
     * process applies the change to its next request; other processes within {@code key_cache_ttl_ms}.
     *
     * @return false when no such account exists
     */
    public boolean updateAccount(String accountId, Map<String, Object> columns) {
        return update("accounts", Set.of("plan", "rpm", "tpm", "max_parallel", "monthly_budget"), accountId, columns);
    }

    /** Like {@link #updateAccount} for one key: {@code rpm}, {@code tpm}, {@code max_parallel}, {@code monthly_budget}, {@code models}. */
    public boolean updateKey(String keyId, Map<String, Object> columns) {
        Map<String, Object> stored = new LinkedHashMap<>(columns);
        if (stored.containsKey("models")) {
            @SuppressWarnings("unchecked") Set<String> models = (Set<String>) stored.get("models");
            stored.put("models", KeyModels.toJson(models));
        }
        return update("api_keys", Set.of("rpm", "tpm", "max_parallel", "monthly_budget", "models"), keyId, stored);
    }

    private boolean update(String table, Set<String> allowed, String id, Map<String, Object> columns) {
        if (!allowed.containsAll(columns.keySet())) throw new IllegalArgumentException("not updatable: " + columns.keySet());
        if (columns.isEmpty()) return exists(table, id);
        StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
        columns.keySet().forEach(column -> sql.append(column).append(" = ?, "));
        sql.setLength(sql.length() - 2);
        sql.append(" WHERE id = ?");
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Object v : columns.values()) {
                if (v == null) ps.setNull(i++, Types.NULL);
                else ps.setObject(i++, v);
            }
            ps.setString(i, id);
            boolean found = ps.executeUpdate() == 1;
            byHash.invalidateAll(); // rare; keeps the change immediate in this process without a reverse index
            return found;
        } catch (SQLException e) {
            throw new StoreException("update " + table, e);
        }
    }

    private boolean exists(String table, String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreException("find " + table, e);
        }
    }

    /** @return false when no such key exists (revoking twice is fine and returns true) */
    public boolean revokeKey(String keyId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, keyId);
            boolean found = ps.executeUpdate() == 1;
            byHash.invalidateAll(); // rare; keeps revocation immediate without a reverse index
            return found;
        } catch (SQLException e) {
            throw new StoreException("revoke key", e);
        }
    }

    /** The principal for a presented secret, if the key exists and is not revoked. */
    public Optional<Principal> authenticate(String secret) {
        if (!ApiKeys.looksLikeKey(secret)) return Optional.empty();
        String hash = ApiKeys.hashHex(secret);
        return byHash.get(hash, this::loadPrincipal);
    }

    private Optional<Principal> loadPrincipal(String hash) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT k.key_hash, k.id, k.account_id, a.plan, "
                     + KEY_LIMIT_COLUMNS + ", a.rpm, a.tpm, a.max_parallel, a.monthly_budget "
                     + "FROM api_keys k JOIN accounts a ON a.id = k.account_id "
                     + "WHERE k.key_hash = ? AND k.revoked_at IS NULL")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !ApiKeys.sameHash(hash, rs.getString(1))) return Optional.empty();
                return Optional.of(new Principal(rs.getString(3), rs.getString(2), rs.getString(4),
                        limits(rs, 5), KeyModels.fromJson(rs.getString(9)), limits(rs, 10)));
            }
        } catch (SQLException e) {
            throw new StoreException("authenticate", e);
        }
    }

    public Optional<Account.WithKeys> withKeys(String accountId) {
        Optional<Account> account = find(accountId);
        if (account.isEmpty()) return Optional.empty();
        List<Account.KeyInfo> keys = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT k.id, k.name, k.key_prefix, k.created_at, k.revoked_at, "
                     + KEY_LIMIT_COLUMNS + " FROM api_keys k WHERE k.account_id = ? ORDER BY k.created_at, k.id")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long revoked = rs.getLong(5);
                    Long revokedAt = rs.wasNull() ? null : revoked;
                    keys.add(new Account.KeyInfo(rs.getString(1), rs.getString(2), rs.getString(3),
                            limits(rs, 6), KeyModels.fromJson(rs.getString(10)), rs.getLong(4), revokedAt));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("list keys", e);
        }
        return Optional.of(new Account.WithKeys(account.get(), keys));
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), limits(rs, 5));
    }

    /** rpm, tpm, max_parallel, monthly_budget from four columns starting at {@code first}. */
    private static LimitOverrides limits(ResultSet rs, int first) throws SQLException {
        Integer rpm = nullableInt(rs, first);
        Integer tpm = nullableInt(rs, first + 1);
        Integer parallel = nullableInt(rs, first + 2);
        long budget = rs.getLong(first + 3);
        return new LimitOverrides(rpm, tpm, parallel, rs.wasNull() ? null : budget);
    }

    private static void setNullable(PreparedStatement ps, int i, Number v) throws SQLException {
        if (v == null) ps.setNull(i, v instanceof Long ? Types.BIGINT : Types.INTEGER);
        else ps.setLong(i, v.longValue());
    }

    private static Integer nullableInt(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }
}
