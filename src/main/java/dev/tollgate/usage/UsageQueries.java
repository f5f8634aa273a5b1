package dev.tollgate.usage;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every analytics read, from {@code usage_rollups} only (one indexed range per query, never the raw
 * events). The caller's queries filter by account in SQL; the admin ones read the all-accounts scopes.
 */
public final class UsageQueries {
    /** The dimensions a caller may group by, and their columns. */
    public static final Map<String, String> GROUPS = Map.of("model", "model", "provider", "provider", "task", "task",
            "key", "key_id", "user", "end_user");
    static final Set<String> RANKS = Set.of("cost_micros", "requests", "input_tokens", "output_tokens");

    /** Summed counters of one group (a row of the answer); group values '' mean "unknown" or "none". */
    public record Row(List<String> group, long bucket, long requests, long ok, long failed, long inputTokens,
                      long outputTokens, long cachedTokens, long reasoningTokens, long costMicros,
                      long cacheSavingsMicros, long cacheHits, long latencyMsSum, long accounts) {}

    private static final String SUMS = "SUM(requests), SUM(ok), SUM(failed), SUM(input_tokens), SUM(output_tokens), "
            + "SUM(cached_tokens), SUM(reasoning_tokens), SUM(cost_micros), SUM(cache_savings_micros), SUM(cache_hits), "
            + "SUM(latency_ms_sum)";

    /** Where the rollups are (UsageStore). */
    private final Database db;
    /** Where the accounts are: the main store (the same one on PostgreSQL). */
    private final Database accounts;

    UsageQueries(Database db, Database accounts) {
        this.db = db;
        this.accounts = accounts;
    }

    /**
     * One account's counters over the window, grouped by {@code columns} (rollup columns) and, with
     * {@code byBucket}, by bucket, from the smallest scope that has those columns.
     */
    public List<Row> account(String accountId, Window w, List<String> columns, boolean byBucket) {
        return grouped("account_id = ? AND period = ? AND scope = ? AND bucket >= ?",
                List.of(accountId, w.period(), scopeFor(columns, w), w.fromBucketMs()), columns, byBucket, null, 0);
    }

    /** The scope (see {@link Rollups}) with every column of {@code columns} and the fewest rows. */
    static String scopeFor(List<String> columns, Window w) {
        if (columns.isEmpty()) return "a";
        if (Set.of("model", "provider", "task").containsAll(columns)) return "p";
        if (columns.equals(List.of("end_user"))) return "u";
        if (w.period().equals("d") && columns.equals(List.of("key_id"))) return "y";
        if (w.period().equals("d")) return "k";
        throw new IllegalArgumentException("no hourly rollup groups by " + columns);
    }

    /** All accounts, by model × provider × task (scope {@code s}), grouped by {@code columns} and optionally bucket. */
    public List<Row> system(Window w, List<String> columns, boolean byBucket) {
        return grouped("account_id = '' AND period = ? AND scope = 's' AND bucket >= ?", List.of(w.period(), w.fromBucketMs()),
                columns, byBucket, null, 0);
    }

    /** The top {@code limit} accounts by {@code rank} (scope {@code a}). */
    public List<Row> topAccounts(Window w, String rank, int limit) {
        return grouped("period = ? AND scope = 'a' AND bucket >= ?", List.of(w.period(), w.fromBucketMs()),
                List.of("account_id"), false, rank, limit);
    }

    /**
     * The top {@code limit} end users (account × user, scope {@code u}) by {@code rank}; requests with no user
     * left out. With {@code accountId} (not null) that account's users only. How it stays fast across accounts:
     * {@link TopUsers}.
     */
    public List<Row> topUsers(Window w, String rank, int limit, String accountId) {
        return new TopUsers(this, db).of(w, rank, limit, accountId);
    }

    static long value(Row r, String rank) {
        return switch (rank) {
            case "cost_micros" -> r.costMicros();
            case "requests" -> r.requests();
            case "input_tokens" -> r.inputTokens();
            case "output_tokens" -> r.outputTokens();
            default -> throw new IllegalArgumentException("unknown rank " + rank);
        };
    }

    /** Totals over every account (scope {@code s}), plus the number of accounts with a request (scope {@code a}). */
    public Row totals(Window w) {
        List<Row> rows = grouped("account_id = '' AND period = ? AND scope = 's' AND bucket >= ?", List.of(w.period(), w.fromBucketMs()),
                List.of(), false, null, 0);
        long active = count("SELECT COUNT(DISTINCT account_id) FROM usage_rollups WHERE period = ? AND scope = 'a' "
                + "AND bucket >= ?", w.period(), w.fromBucketMs());
        Row r = rows.isEmpty() ? null : rows.get(0);
        if (r == null || r.requests() == 0) return new Row(List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, active);
        return new Row(List.of(), 0, r.requests(), r.ok(), r.failed(), r.inputTokens(), r.outputTokens(), r.cachedTokens(),
                r.reasoningTokens(), r.costMicros(), r.cacheSavingsMicros(), r.cacheHits(), r.latencyMsSum(), active);
    }

    /**
     * Per plan ('' for none), ordered by plan: accounts with requests in the window and their counters. Per account
     * from the rollups (scope {@code a}), then each account's plan from the main store (they may be two stores).
     */
    public List<Row> plans(Window w) {
        List<Row> perAccount = grouped("period = ? AND scope = 'a' AND bucket >= ?", List.of(w.period(), w.fromBucketMs()),
                List.of("account_id"), false, null, 0);
        Map<String, String> planOf = accountColumn("plan", perAccount.stream().map(r -> r.group().get(0)).toList());
        Map<String, long[]> byPlan = new java.util.TreeMap<>();
        for (Row r : perAccount) {
            String plan = planOf.get(r.group().get(0));
            if (plan == null && !planOf.containsKey(r.group().get(0))) continue; // account gone: as the join did
            long[] s = byPlan.computeIfAbsent(plan == null ? "" : plan, k -> new long[12]);
            long[] v = {r.requests(), r.ok(), r.failed(), r.inputTokens(), r.outputTokens(), r.cachedTokens(),
                    r.reasoningTokens(), r.costMicros(), r.cacheSavingsMicros(), r.cacheHits(), r.latencyMsSum(), 1};
            for (int i = 0; i < v.length; i++) s[i] += v[i];
        }
        List<Row> out = new ArrayList<>(byPlan.size());
        byPlan.forEach((plan, s) -> out.add(new Row(List.of(plan), 0, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8],
                s[9], s[10], s[11])));
        return out;
    }

    /** How many accounts exist, by plan ('' for none). */
    public Map<String, Long> accountsByPlan() {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Connection c = accounts.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COALESCE(plan, ''), COUNT(*) FROM accounts GROUP BY COALESCE(plan, '')");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        } catch (SQLException e) {
            throw new StoreException("read accounts by plan", e);
        }
        return out;
    }

    /** Account names for display (ids not found are left out). */
    public Map<String, String> accountNames(List<String> ids) {
        return accountColumn("name", ids);
    }

    /** {@code column} (name or plan; null values kept) of the accounts with these ids; ids not found are left out. */
    private Map<String, String> accountColumn(String column, List<String> ids) {
        Map<String, String> out = new java.util.HashMap<>();
        final int perRead = 500; // parameters per statement stay far below either store's limit
        try (Connection c = accounts.connection()) {
            for (int from = 0; from < ids.size(); from += perRead) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + perRead));
                String in = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement ps = c.prepareStatement("SELECT id, " + column + " FROM accounts WHERE id IN (" + in + ")")) {
                    for (int i = 0; i < chunk.size(); i++) ps.setString(i + 1, chunk.get(i));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("read accounts' " + column, e);
        }
        return out;
    }

    /**
     * Successful requests and their output tokens for {@code model} (and {@code task} when not null),
     * of one account ({@code accountId} not null, scope {@code p}) or of all (scope {@code s}), over the window.
     * [0] = ok requests, [1] = output tokens.
     */
    public long[] observedOutput(String accountId, String model, String task, Window w) {
        StringBuilder sql = new StringBuilder("SELECT COALESCE(SUM(ok), 0), COALESCE(SUM(output_tokens), 0) FROM usage_rollups WHERE ");
        List<Object> args = new ArrayList<>();
        if (accountId != null) {
            sql.append("account_id = ? AND period = ? AND scope = 'p'");
            args.add(accountId);
        } else {
            sql.append("account_id = '' AND period = ? AND scope = 's'");
        }
        args.add(w.period());
        sql.append(" AND bucket >= ? AND model = ?");
        args.add(w.fromBucketMs());
        args.add(model);
        if (task != null) {
            sql.append(" AND task = ?");
            args.add(task);
        }
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        } catch (SQLException e) {
            throw new StoreException("read observed output", e);
        }
    }

    List<Row> grouped(String where, List<Object> args, List<String> columns, boolean byBucket, String rank, int limit) {
        List<String> select = new ArrayList<>(columns);
        if (byBucket) select.add("bucket");
        String cols = String.join(", ", select);
        StringBuilder sql = new StringBuilder("SELECT ");
        if (!cols.isEmpty()) sql.append(cols).append(", ");
        sql.append(SUMS).append(" FROM usage_rollups WHERE ").append(where);
        if (!cols.isEmpty()) sql.append(" GROUP BY ").append(cols);
        if (rank != null) {
            if (!RANKS.contains(rank)) throw new IllegalArgumentException("unknown rank " + rank);
            sql.append(" ORDER BY SUM(").append(rank).append(") DESC LIMIT ").append(limit);
        } else if (!cols.isEmpty()) {
            sql.append(" ORDER BY ").append(cols);
        }
        return rows(sql.toString(), args, columns.size(), byBucket);
    }

    private List<Row> rows(String sql, List<Object> args, int groupColumns, boolean byBucket) {
        List<Row> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> group = new ArrayList<>(groupColumns);
                    int i = 1;
                    for (; i <= groupColumns; i++) group.add(rs.getString(i));
                    long bucket = byBucket ? rs.getLong(i++) : 0;
                    long[] v = new long[11];
                    for (int k = 0; k < 11; k++) v[k] = rs.getLong(i++);
                    out.add(new Row(List.copyOf(group), bucket, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                            v[9], v[10], 0));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("read usage rollups", e);
        }
        return out;
    }

    private long count(String sql, Object... args) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, List.of(args));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("count usage rollups", e);
        }
    }

    static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) ps.setLong(i + 1, l);
            else ps.setString(i + 1, (String) a);
        }
    }
}
