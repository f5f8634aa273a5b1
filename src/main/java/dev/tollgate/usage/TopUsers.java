package dev.tollgate.usage;

import static dev.tollgate.usage.UsageQueries.value;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import dev.tollgate.usage.UsageQueries.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Top end users (account × user, scope {@code u}) for {@link UsageQueries#topUsers}. With an account: that account's
 * users, one key range, fast at any size.
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
final class TopUsers {
    private static final int FIRST_CHUNK = 8;
    private static final int USERS_PER_READ = 500; // accounts + users per statement stay far below either store's limit
    private static final int CHUNK_MAX = 1_000; // parameters per statement stay far below SQLite's 32,766

    private final UsageQueries queries;
    private final Database db;

    TopUsers(UsageQueries queries, Database db) {
        this.queries = queries;
        this.db = db;
    }

    List<Row> of(Window w, String rank, int limit, String accountId) {
        if (!UsageQueries.RANKS.contains(rank)) throw new IllegalArgumentException("unknown rank " + rank);
        if (accountId != null) return usersOf(List.of(accountId), w, rank, limit);
        if (w.period().equals("d")) return new MonthlyTopUsers(w, rank, limit).run();
        List<Row> accounts = queries.topAccounts(w, rank, Integer.MAX_VALUE);
        PriorityQueue<Row> best = new PriorityQueue<>(Comparator.comparingLong((Row r) -> value(r, rank)));
        for (int from = 0, chunk = FIRST_CHUNK; from < accounts.size(); from += chunk, chunk = Math.min(2 * chunk, CHUNK_MAX)) {
            if (best.size() >= limit && value(best.peek(), rank) >= value(accounts.get(from), rank)) break;
            List<String> ids = accounts.subList(from, Math.min(accounts.size(), from + chunk)).stream()
                    .map(a -> a.group().get(0)).toList();
            for (Row user : usersOf(ids, w, rank, 0)) offer(best, user, limit, rank);
        }
        return ranked(best, rank);
    }

    private static void offer(PriorityQueue<Row> best, Row user, int limit, String rank) {
        best.add(user);
        if (best.size() > limit) best.poll();
    }

    private static List<Row> ranked(PriorityQueue<Row> best, String rank) {
        List<Row> out = new ArrayList<>(best);
        out.sort(Comparator.comparingLong((Row r) -> value(r, rank)).reversed()
                .thenComparing(r -> r.group().get(0)).thenComparing(r -> r.group().get(1)));
        return out;
    }

    /** One cross-account top users query over a day window, from the monthly rows (see the class comment). */
    private final class MonthlyTopUsers {
        private final String rank;
        private final int limit;
        private final long from;       // the window's first day
        private final long firstMonth; // M0, the month holding it
        private final long nextMonth;  // the month after M0
        private final PriorityQueue<Row> best;

        MonthlyTopUsers(Window w, String rank, int limit) {
            this.rank = rank;
            this.limit = limit;
            this.from = w.fromBucketMs();
            this.firstMonth = Rollups.monthStart(from);
            this.nextMonth = Rollups.nextMonthStart(from);
            this.best = new PriorityQueue<>(Comparator.comparingLong((Row r) -> value(r, rank)));
        }

        List<Row> run() {
            List<Row> accounts = queries.grouped("period = 'm' AND scope = 'a' AND bucket >= ?", List.of(firstMonth),
                    List.of("account_id"), false, rank, Integer.MAX_VALUE);
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
                UsageQueries.bind(ps, args);
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
            Map<List<String>, Row> out = new HashMap<>();
            for (Row r : queries.grouped("account_id IN (" + marks(accountIds.size()) + ") AND end_user IN (" + marks(userIds.size())
                    + ") AND period = ? AND scope = 'u' AND bucket >= ? AND bucket < ?", args,
                    List.of("account_id", "end_user"), false, null, 0)) {
                out.put(r.group(), r);
            }
            return out;
        }
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
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

    /** The users of these accounts over the window: the top {@code limit} by {@code rank}, or all (limit 0). */
    private List<Row> usersOf(List<String> accountIds, Window w, String rank, int limit) {
        List<Object> args = new ArrayList<>(accountIds);
        args.add(w.period());
        args.add(w.fromBucketMs());
        return queries.grouped("account_id IN (" + marks(accountIds.size()) + ") AND period = ? AND scope = 'u' "
                + "AND bucket >= ? AND end_user <> ''", args, List.of("account_id", "end_user"), false, limit > 0 ? rank : null, limit);
    }
}
