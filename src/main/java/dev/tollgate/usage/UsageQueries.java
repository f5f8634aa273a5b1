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

    private final Database db;

    UsageQueries(Database db) {
        this.db = db;
    }

    /**
     * One account's counters over the window, grouped by {@code columns} (rollup columns) and, with
     * {@code byBucket}, by bucket, from the smallest scope that has those columns.
     */
    public List<Row> account(String accountId, Window w, List<String> columns, boolean byBucket) {
        return grouped("account_id = ? AND period = ? AND scope = ? AND bucket >= ?",
                List.of(accountId, w.period(), scopeFor(columns, w), w.fromBucketMs()), columns, byBucket, null, 0, false);
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
                columns, byBucket, null, 0, false);
    }

    /** The top {@code limit} accounts by {@code rank} (scope {@code a}). */
    public List<Row> topAccounts(Window w, String rank, int limit) {
        return grouped("period = ? AND scope = 'a' AND bucket >= ?", List.of(w.period(), w.fromBucketMs()),
                List.of("account_id"), false, rank, limit, false);
    }

    /**
     * The top {@code limit} end users (account × user, scope {@code u}) by {@code rank}; requests with no user
     * left out. With {@code accountId} (not null) that account's users only: one key range, fast at any size.
     *
     * <p>Across all accounts, adding up every (account, user, day) row of the window grows with traffic and with the
     * days of the window (0.8 s at 10 M events over 90 days on SQLite). Instead a threshold algorithm over the
     * monthly rows (period {@code m}), exact, whose reads do not grow with the days of the window:
     * <ol>
     *   <li>Upper bounds: the months overlapping the window (from the month holding its first day, M0) hold every
     *       request of the window plus those of M0 before its first day. Every rank is a sum of non-negative
     *       counters, so an account's or a user's sum over those months is at least its sum over the window.
     *   <li>Accounts are visited in descending order of their bound (monthly scope {@code a}: accounts × months
     *       rows), in chunks that double (8, 16, … up to 1,000), and stop once the {@code limit}-th best exact user
     *       found is at least the next account's bound: no user of that account or a later one can rank higher.
     *   <li>Within a chunk, each user's monthly rows give its bound; only users whose bound beats the current
     *       {@code limit}-th best are made exact, from the daily rows of the part of M0 that the window cuts: the
     *       days of M0 before the window (subtracted) or those in it (added), whichever are fewer (≤ 15).
     * </ol>
     * An hour window has no monthly rows to use: it runs the same algorithm over its hourly rows (account totals,
     * then each visited account's users), which is bounded by the 24–168 hours such a window has.
     */
    public List<Row> topUsers(Window w, String rank, int limit, String accountId) {
        if (!RANKS.contains(rank)) throw new IllegalArgumentException("unknown rank " + rank);
        if (accountId != null) return usersOf(List.of(accountId), w, rank, limit);
        if (w.period().equals("d")) return new MonthlyTopUsers(w, rank, limit).run();
        List<Row> accounts = topAccounts(w, rank, Integer.MAX_VALUE);
        java.util.PriorityQueue<Row> best = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong((Row r) -> value(r, rank)));
        for (int from = 0, chunk = FIRST_CHUNK; from < accounts.size(); from += chunk, chunk = Math.min(2 * chunk, CHUNK_MAX)) {
            if (best.size() >= limit && value(best.peek(), rank) >= value(accounts.get(from), rank)) break;
            List<String> ids = accounts.subList(from, Math.min(accounts.size(), from + chunk)).stream()
                    .map(a -> a.group().get(0)).toList();
            for (Row user : usersOf(ids, w, rank, 0)) offer(best, user, limit, rank);
        }
        return ranked(best, rank);
    }

    private static void offer(java.util.PriorityQueue<Row> best, Row user, int limit, String rank) {
        best.add(user);
        if (best.size() > limit) best.poll();
    }

    private static List<Row> ranked(java.util.PriorityQueue<Row> best, String rank) {
        List<Row> out = new ArrayList<>(best);
        out.sort(java.util.Comparator.comparingLong((Row r) -> value(r, rank)).reversed()
                .thenComparing(r -> r.group().get(0)).thenComparing(r -> r.group().get(1)));
        return out;
    }

    /** One cross-account top users query over a day window, from the monthly rows (see {@link #topUsers}). */
    private final class MonthlyTopUsers {
        private final String rank;
        private final int limit;
        private final long from;       // the window's first day
        private final long firstMonth; // M0, the month holding it
        private final long nextMonth;  // the month after M0
        private final java.util.PriorityQueue<Row> best;

        MonthlyTopUsers(Window w, String rank, int limit) {
            this.rank = rank;
            this.limit = limit;
            this.from = w.fromBucketMs();
            this.firstMonth = Rollups.monthStart(from);
            this.nextMonth = Rollups.nextMonthStart(from);
            this.best = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong((Row r) -> value(r, rank)));
        }

        List<Row> run() {
            List<Row> accounts = grouped("period = 'm' AND scope = 'a' AND bucket >= ?", List.of(firstMonth),
                    List.of("account_id"), false, rank, Integer.MAX_VALUE, false);
            for (int at = 0, chunk = FIRST_CHUNK; at < accounts.size(); at += chunk, chunk = Math.min(2 * chunk, CHUNK_MAX)) {
                if (full() && value(best.peek(), rank) >= value(accounts.get(at), rank)) break;
                visit(accounts.subList(at, Math.min(accounts.size(), at + chunk)).stream().map(a -> a.group().get(0)).toList());
            }
            return ranked(best, rank);
        }

        private boolean full() { return best.size() >= limit; }

        /** Whether a user whose sum is at most {@code bound} could still enter the top. */
        private boolean couldEnter(long bound) { return !full() || bound > value(best.peek(), rank); }

        private void visit(List<String> accountIds) {
            List<Bound> bounds = bounds(accountIds);
            // the best bounds first (they fill the top and raise the bar), then every other user still above the bar
            int first = Math.min(bounds.size(), Math.max(limit, 1));
            exact(bounds.subList(0, first));
            exact(bounds.subList(first, bounds.size()).stream().filter(b -> couldEnter(b.value())).toList());
        }

        /** A user and its bound: the rank summed over every month from M0. */
        private record Bound(String account, String user, long value) {}

        /**
         * The users of these accounts with their bounds, highest first: only the ranked counter, added up by the store
         * (reading each column of each row costs a native call on SQLite; the full counters are read for candidates only).
         */
        private List<Bound> bounds(List<String> accountIds) {
            List<Object> args = new ArrayList<>(accountIds);
            args.add(firstMonth);
            List<Bound> out = new ArrayList<>();
            try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT account_id, end_user, SUM("
                    + rank + ") FROM usage_rollups WHERE account_id IN (" + marks(accountIds.size()) + ") AND period = 'm' "
                    + "AND scope = 'u' AND bucket >= ? AND end_user <> '' GROUP BY account_id, end_user ORDER BY 3 DESC")) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Bound(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            } catch (SQLException e) {
                throw new StoreException("read usage rollups", e);
            }
            return out;
        }

        /** Makes these users' sums exact for the window and offers them to the top. */
        private void exact(List<Bound> candidates) {
            for (int i = 0; i < candidates.size(); i += USERS_PER_READ) {
                exactSlice(candidates.subList(i, Math.min(candidates.size(), i + USERS_PER_READ)));
            }
        }

        private void exactSlice(List<Bound> candidates) {
            List<Bound> users = candidates.stream().filter(b -> couldEnter(b.value())).toList();
            if (users.isEmpty()) return;
            // fewer days to read: M0's days before the window (subtracted from the months from M0), or M0's days in the
            // window (added to the months after M0); none when the window starts with a month
            boolean subtract = from - firstMonth <= nextMonth - from;
            Map<List<String>, Row> months = sums(users, "m", subtract ? firstMonth : nextMonth, Long.MAX_VALUE);
            Map<List<String>, Row> edge = from == firstMonth ? Map.of()
                    : sums(users, "d", subtract ? firstMonth : from, subtract ? from : nextMonth);
            for (Bound b : users) {
                List<String> group = List.of(b.account(), b.user());
                Row m = months.get(group);
                Row e = edge.get(group);
                Row exact = m == null ? e : e == null ? m : plus(m, e, subtract ? -1 : 1);
                if (exact != null && exact.requests() > 0) offer(best, exact, limit, rank); // none in the window: not a top user
            }
        }

        /** The sums of these users' rows of {@code period} with buckets in [fromBucket, toBucket). */
        private Map<List<String>, Row> sums(List<Bound> users, String period, long fromBucket, long toBucket) {
            List<String> accountIds = users.stream().map(Bound::account).distinct().toList();
            List<String> userIds = users.stream().map(Bound::user).distinct().toList();
            List<Object> args = new ArrayList<>(accountIds);
            args.addAll(userIds);
            args.add(period);
            args.add(fromBucket);
            args.add(toBucket);
            Map<List<String>, Row> out = new java.util.HashMap<>();
            for (Row r : grouped("account_id IN (" + marks(accountIds.size()) + ") AND end_user IN (" + marks(userIds.size())
                    + ") AND period = ? AND scope = 'u' AND bucket >= ? AND bucket < ?", args,
                    List.of("account_id", "end_user"), false, null, 0, false)) {
                out.put(r.group(), r);
            }
            return out;
        }
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** a + sign × b, counter by counter, in a's group with no bucket. */
    private static Row plus(Row a, Row b, int sign) {
        return new Row(a.group(), 0, a.requests() + sign * b.requests(), a.ok() + sign * b.ok(),
                a.failed() + sign * b.failed(), a.inputTokens() + sign * b.inputTokens(),
                a.outputTokens() + sign * b.outputTokens(), a.cachedTokens() + sign * b.cachedTokens(),
                a.reasoningTokens() + sign * b.reasoningTokens(), a.costMicros() + sign * b.costMicros(),
                a.cacheSavingsMicros() + sign * b.cacheSavingsMicros(), a.cacheHits() + sign * b.cacheHits(),
                a.latencyMsSum() + sign * b.latencyMsSum(), a.accounts());
    }

    private static final int FIRST_CHUNK = 8;
    private static final int USERS_PER_READ = 500; // accounts + users per statement stay far below either store's limit
    private static final int CHUNK_MAX = 1_000; // parameters per statement stay far below SQLite's 32,766

    /** The users of these accounts over the window: the top {@code limit} by {@code rank}, or all (limit 0). */
    private List<Row> usersOf(List<String> accountIds, Window w, String rank, int limit) {
        List<Object> args = new ArrayList<>(accountIds);
        args.add(w.period());
        args.add(w.fromBucketMs());
        String in = String.join(", ", java.util.Collections.nCopies(accountIds.size(), "?"));
        return grouped("account_id IN (" + in + ") AND period = ? AND scope = 'u' AND bucket >= ? AND end_user <> ''",
                args, List.of("account_id", "end_user"), false, limit > 0 ? rank : null, limit, false);
    }

    private static long value(Row r, String rank) {
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
                List.of(), false, null, 0, false);
        long active = count("SELECT COUNT(DISTINCT account_id) FROM usage_rollups WHERE period = ? AND scope = 'a' "
                + "AND bucket >= ?", w.period(), w.fromBucketMs());
        Row r = rows.isEmpty() ? null : rows.get(0);
        if (r == null || r.requests() == 0) return new Row(List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, active);
        return new Row(List.of(), 0, r.requests(), r.ok(), r.failed(), r.inputTokens(), r.outputTokens(), r.cachedTokens(),
                r.reasoningTokens(), r.costMicros(), r.cacheSavingsMicros(), r.cacheHits(), r.latencyMsSum(), active);
    }

    /** Per plan: accounts with requests in the window and their counters (scope {@code a} joined with accounts). */
    public List<Row> plans(Window w) {
        // per account first (one row each), then one accounts lookup per account, not per (account, bucket) row
        String perAccount = "SELECT account_id, SUM(requests) requests, SUM(ok) ok, SUM(failed) failed, "
                + "SUM(input_tokens) input_tokens, SUM(output_tokens) output_tokens, SUM(cached_tokens) cached_tokens, "
                + "SUM(reasoning_tokens) reasoning_tokens, SUM(cost_micros) cost_micros, "
                + "SUM(cache_savings_micros) cache_savings_micros, SUM(cache_hits) cache_hits, "
                + "SUM(latency_ms_sum) latency_ms_sum FROM usage_rollups WHERE period = ? AND scope = 'a' AND bucket >= ? "
                + "GROUP BY account_id";
        String sql = "SELECT COALESCE(a.plan, ''), " + SUMS.replace("SUM(", "SUM(r.") + ", COUNT(*) "
                + "FROM (" + perAccount + ") r JOIN accounts a ON a.id = r.account_id "
                + "GROUP BY COALESCE(a.plan, '') ORDER BY 1";
        return rows(sql, List.of(w.period(), w.fromBucketMs()), 1, false, true);
    }

    /** How many accounts exist, by plan ('' for none). */
    public Map<String, Long> accountsByPlan() {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Connection c = db.connection();
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
        Map<String, String> out = new java.util.HashMap<>();
        if (ids.isEmpty()) return out;
        String in = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id, name FROM accounts WHERE id IN (" + in + ")")) {
            for (int i = 0; i < ids.size(); i++) ps.setString(i + 1, ids.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new StoreException("read account names", e);
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

    private List<Row> grouped(String where, List<Object> args, List<String> columns, boolean byBucket, String rank,
                              int limit, boolean accounts) {
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
        return rows(sql.toString(), args, columns.size(), byBucket, accounts);
    }

    private List<Row> rows(String sql, List<Object> args, int groupColumns, boolean byBucket, boolean accounts) {
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
                    long accountCount = accounts ? rs.getLong(i) : 0;
                    out.add(new Row(List.copyOf(group), bucket, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                            v[9], v[10], accountCount));
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

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) ps.setLong(i + 1, l);
            else ps.setString(i + 1, (String) a);
        }
    }
}
