package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cross-account top end users (a threshold algorithm over accounts ranked by their own totals, on the monthly
 * rollups for day windows) equal a brute force over the events and a plain sum of the daily rollup rows, for every
 * rank and several limits, on skewed and on flat traffic, for windows starting on every kind of day of a month, on
 * SQLite and PostgreSQL; migration 020's backfill of the monthly rows equals what the writer maintains.
 */
class TopUsersTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void theThresholdAlgorithmAgreesWithABruteForce(String store) throws Exception {
        try (Database db = store.equals("sqlite") ? TestDatabases.sqlite(dir) : TestDatabases.postgres()) {
            long now = 1_780_000_000_000L;
            Window w = Window.days(30, now);
            List<UsageEvent> events = new ArrayList<>();
            Random r = new Random(11);
            double[] skewed = AnalyticsBench.cumulative(AnalyticsBench.zipf(AnalyticsBench.ACCOUNTS, 1.1));
            double[] flat = AnalyticsBench.cumulative(AnalyticsBench.zipf(AnalyticsBench.ACCOUNTS, 0.0));
            for (int i = 0; i < 6_000; i++) {
                long day = Math.floorDiv(now, Rollups.DAY_MS) * Rollups.DAY_MS - r.nextInt(40) * Rollups.DAY_MS; // some outside
                events.add(AnalyticsBench.event(r, i % 2 == 0 ? skewed : flat, day));
            }
            Rollups rollups = new Rollups();
            events.forEach(rollups::add);
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                rollups.upsert(c);
                c.commit();
            }
            UsageQueries q = new UsageQueries(db, db);
            for (String rank : UsageQueries.RANKS) {
                for (int limit : new int[] {1, 10, 50}) {
                    List<Long> expected = bruteForce(events, w, rank, limit);
                    List<UsageQueries.Row> got = q.topUsers(w, rank, limit, null);
                    assertThat(got.stream().map(row -> value(row, rank)).toList()).as("%s limit %d", rank, limit)
                            .isEqualTo(expected);
                    assertThat(got).allSatisfy(row -> assertThat(row.group().get(1)).isNotEmpty());
                }
            }
        }
    }

    /**
     * Events over ~5 months crossing month ends (January 31, a leap February, March 1…); the clock is the injected
     * {@code now} of each window, which starts on the 1st, 2nd, mid-month, second-to-last and last day of a month. Every
     * returned user's every counter must equal its sum of daily rows in the window, and the ranked values must equal the
     * top of a plain GROUP BY over the daily rows (the answer before the monthly rows).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void monthlyRowsGiveTheSameAnswerAsTheDailyRowsAcrossMonthEnds(String store) throws Exception {
        try (Database db = store.equals("sqlite") ? TestDatabases.sqlite(dir) : TestDatabases.postgres()) {
            long first = java.time.LocalDate.parse("2027-12-20").toEpochDay() * Rollups.DAY_MS;
            Random r = new Random(20);
            double[] skewed = AnalyticsBench.cumulative(AnalyticsBench.zipf(AnalyticsBench.ACCOUNTS, 1.1));
            double[] flat = AnalyticsBench.cumulative(AnalyticsBench.zipf(AnalyticsBench.ACCOUNTS, 0.0));
            Rollups rollups = new Rollups();
            for (int i = 0; i < 12_000; i++) {
                long day = first + r.nextInt(140) * Rollups.DAY_MS; // 2027-12-20 .. 2028-05-07
                rollups.add(AnalyticsBench.event(r, i % 3 == 0 ? flat : skewed, day));
            }
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                rollups.upsert(c);
                c.commit();
            }
            UsageQueries q = new UsageQueries(db, db);
            String[] days = {"2028-01-01", "2028-01-31", "2028-02-01", "2028-02-02", "2028-02-15", "2028-02-16", "2028-02-28",
                    "2028-02-29", "2028-03-01", "2028-03-30", "2028-03-31", "2028-04-17"};
            for (String d : days) {
                for (int n : new int[] {1, 7, 30, 31, 90}) {
                    // the clock: some time during the window's last day
                    long now = java.time.LocalDate.parse(d).plusDays(n - 1).toEpochDay() * Rollups.DAY_MS + 13 * Rollups.HOUR_MS;
                    Window w = Window.days(n, now);
                    assertThat(w.label(w.fromBucketMs())).isEqualTo(d);
                    Map<String, long[]> daily = dailySums(db, w.fromBucketMs());
                    for (String rank : UsageQueries.RANKS) {
                        for (int limit : rank.equals("cost_micros") ? new int[] {1, 10, 50} : new int[] {10}) { // the test stays short
                            List<UsageQueries.Row> got = q.topUsers(w, rank, limit, null);
                            int k = TopUsersTest.rankIndex(rank);
                            List<Long> expected = daily.values().stream().map(v -> v[k]).sorted(Comparator.reverseOrder())
                                    .limit(limit).toList();
                            assertThat(got.stream().map(row -> value(row, rank)).toList())
                                    .as("%s %d days from %s, %s limit %d", store, n, d, rank, limit).isEqualTo(expected);
                            for (UsageQueries.Row row : got) {
                                assertThat(counters(row)).as("%s from %s", row.group(), d)
                                        .containsExactly(daily.get(row.group().get(0) + "/" + row.group().get(1)));
                            }
                        }
                    }
                }
            }
            assertBackfillEqualsTheWritersRows(db);
        }
    }

    /** Migration 020 run again over the daily rows gives exactly the monthly rows the writer maintained. */
    private static void assertBackfillEqualsTheWritersRows(Database db) throws Exception {
        String select = "SELECT scope, bucket, account_id, end_user, requests, ok, failed, input_tokens, output_tokens, "
                + "cached_tokens, reasoning_tokens, cost_micros, cache_savings_micros, cache_hits, latency_ms_sum "
                + "FROM usage_rollups WHERE period = 'm' ORDER BY scope, bucket, account_id, end_user";
        List<List<Object>> written = table(db, select);
        assertThat(written).hasSizeGreaterThan(1_000);
        assertThat(written.stream().map(row -> Window.monthOf((Long) row.get(1))).distinct().toList())
                .containsExactly("2027-12", "2028-01", "2028-02", "2028-03", "2028-04", "2028-05");
        String script;
        try (var in = TopUsersTest.class.getResourceAsStream("/db/020_monthly_user_rollups.sql")) {
            script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        try (Connection c = db.connection(); var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM usage_rollups WHERE period = 'm'");
            String sql = script.lines().filter(l -> !l.strip().startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
            for (String statement : sql.split(";\\s*\n|;\\s*$")) { // the backfill, then the index rebuild
                if (!statement.isBlank()) st.execute(statement.strip());
            }
        }
        assertThat(table(db, select)).isEqualTo(written);
    }

    private static List<List<Object>> table(Database db, String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = db.connection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= 15; i++) row.add(i == 1 || i == 3 || i == 4 ? (Object) rs.getString(i) : (Object) rs.getLong(i));
                out.add(row);
            }
        }
        return out;
    }

    /** Per "account/user": the 11 counters summed over the daily rows of scope u from {@code fromMs} on. */
    private static Map<String, long[]> dailySums(Database db, long fromMs) throws Exception {
        Map<String, long[]> out = new HashMap<>();
        try (Connection c = db.connection(); var ps = c.prepareStatement("SELECT account_id, end_user, SUM(requests), SUM(ok), "
                + "SUM(failed), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens), SUM(reasoning_tokens), "
                + "SUM(cost_micros), SUM(cache_savings_micros), SUM(cache_hits), SUM(latency_ms_sum) FROM usage_rollups "
                + "WHERE period = 'd' AND scope = 'u' AND bucket >= ? AND end_user <> '' GROUP BY account_id, end_user")) {
            ps.setLong(1, fromMs);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] v = new long[11];
                    for (int i = 0; i < 11; i++) v[i] = rs.getLong(3 + i);
                    out.put(rs.getString(1) + "/" + rs.getString(2), v);
                }
            }
        }
        return out;
    }

    private static long[] counters(UsageQueries.Row r) {
        return new long[] {r.requests(), r.ok(), r.failed(), r.inputTokens(), r.outputTokens(), r.cachedTokens(),
                r.reasoningTokens(), r.costMicros(), r.cacheSavingsMicros(), r.cacheHits(), r.latencyMsSum()};
    }

    /** The index of a rank among {@link #counters}. */
    static int rankIndex(String rank) {
        return switch (rank) {
            case "requests" -> 0;
            case "input_tokens" -> 3;
            case "output_tokens" -> 4;
            default -> 7;
        };
    }

    /** The ranked values of the top users, from the raw events (ties make the users themselves ambiguous). */
    static List<Long> bruteForce(List<UsageEvent> events, Window w, String rank, int limit) {
        Map<String, Long> totals = new HashMap<>();
        for (UsageEvent e : events) {
            if (e.endUser() == null || e.createdAtMs() < w.fromBucketMs()) continue;
            long v = switch (rank) {
                case "cost_micros" -> e.costMicros();
                case "requests" -> 1;
                case "input_tokens" -> e.inputTokens();
                default -> e.outputTokens();
            };
            totals.merge(e.accountId() + "/" + e.endUser(), v, Long::sum);
        }
        return totals.values().stream().sorted(Comparator.reverseOrder()).limit(limit).toList();
    }

    static long value(UsageQueries.Row r, String rank) {
        return switch (rank) {
            case "cost_micros" -> r.costMicros();
            case "requests" -> r.requests();
            case "input_tokens" -> r.inputTokens();
            default -> r.outputTokens();
        };
    }
}
