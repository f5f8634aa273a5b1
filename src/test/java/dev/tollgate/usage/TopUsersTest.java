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
 * The cross-account top end users (a threshold algorithm over accounts ranked by their own totals) equal a brute
 * force over the events, for every rank and several limits, on skewed and on flat traffic, on SQLite and PostgreSQL.
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
            UsageQueries q = new UsageQueries(db);
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
