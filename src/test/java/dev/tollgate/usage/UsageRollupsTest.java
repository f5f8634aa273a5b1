package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollups cut at hour, day and month boundaries (UTC) on an injected clock, on SQLite and PostgreSQL;
 * retention deletes old raw events in bounded statements and leaves every rollup as it was.
 */
class UsageRollupsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** 12 prompt + 3 completion tokens at $1 / $2 per 1M, $0.001 per credit (FakeOpenAi, TestGateway prices). */
    static final long COST_MICROS = 12 * 1000 + 3 * 2000;

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;
    final TestClock clock = new TestClock(Instant.parse("2026-01-31T23:58:00Z"));

    void start(String store) throws Exception {
        upstream = new FakeOpenAi();
        String url = store.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("t.db") : TestDatabases.postgresUrl();
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), upstream.baseUrl(), url, clock, clock.sleeper());
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (upstream != null) upstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void hourDayAndMonthBoundariesSplitTheRollups(String store) throws Exception {
        start(store);
        chat(2, null);                                       // Jan 31, 23:58
        clock.set(Instant.parse("2026-02-01T00:00:00Z"));    // the first millisecond of the next hour, day, month
        chat(3, "alice");
        clock.set(Instant.parse("2026-02-01T00:59:59.999Z"));
        chat(1, "alice");                                    // still the 00:00 hour
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();

        assertThat(stats(1).get("total_requests").asLong()).isEqualTo(4);  // this hour only
        assertThat(stats(2).get("total_requests").asLong()).isEqualTo(6);  // and the hour before, last month
        assertThat(Credits.micros(stats(2).get("cost").asText())).isEqualTo(6 * COST_MICROS);

        JsonNode days = daily("days=2");
        assertThat(days.get("data")).hasSize(2);
        assertThat(days.get("data").get(0).get("date").asText()).isEqualTo("2026-01-31");
        assertThat(days.get("data").get(0).get("requests").asLong()).isEqualTo(2);
        assertThat(days.get("data").get(1).get("date").asText()).isEqualTo("2026-02-01");
        assertThat(days.get("data").get(1).get("requests").asLong()).isEqualTo(4);
        assertThat(days.get("data").get(1).get("group").isNull()).isTrue();

        JsonNode months = daily("days=60&period=month&group_by=user");
        assertThat(months.get("data")).hasSize(2);
        assertThat(months.get("data").get(0).get("date").asText()).isEqualTo("2026-01");
        assertThat(months.get("data").get(0).get("group").asText()).isEmpty();
        assertThat(months.get("data").get(1).get("date").asText()).isEqualTo("2026-02");
        assertThat(months.get("data").get(1).get("group").asText()).isEqualTo("alice");
        assertThat(Credits.micros(months.get("data").get(1).get("cost").asText())).isEqualTo(4 * COST_MICROS);

        HttpResponse<String> csv = TestGateway.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(gw.baseUrl() + "/v1/usage/daily?days=2&group_by=model"))
                .header("Authorization", "Bearer " + gw.key).header("Accept", "text/csv").GET().build());
        assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        assertThat(csv.body()).isEqualTo("date,group,requests,input_tokens,output_tokens,cost\r\n"
                + "2026-01-31,ok,2,24,6,0.036\r\n2026-02-01,ok,4,48,12,0.072\r\n");

        // the admin's trends by hour: the 23:00 hour of Jan 31 and the 00:00 hour of Feb 1
        JsonNode trends = JSON.readTree(gw.get("/admin/analytics/trends?hours=3", TestGateway.ADMIN_TOKEN).body());
        assertThat(trends.get("data")).hasSize(2);
        assertThat(trends.get("data").get(0).get("date").asText()).isEqualTo("2026-01-31T23:00Z");
        assertThat(trends.get("data").get(1).get("requests").asLong()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void retentionDeletesOldEventsInBoundedStatementsAndKeepsRollups(String store) throws Exception {
        start(store);
        chat(5, null);
        clock.advance(Duration.ofDays(20));
        chat(2, null);
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        assertThat(rows("usage_events")).isEqualTo(7);
        long rollups = rows("usage_rollups");
        String before = daily("days=40").toString();

        clock.advance(Duration.ofDays(11)); // the first five are 31 days old now, the other two 11
        Retention retention = new Retention(gw.gateway.usage().store(), clock, 30, 2, Duration.ZERO, false);
        Retention.Pass pass = retention.purge();
        assertThat(pass.deletedRows()).isEqualTo(5);
        assertThat(pass.statements()).isEqualTo(3); // 2 + 2 + 1: no statement deletes more than it may
        assertThat(rows("usage_events")).isEqualTo(2);
        assertThat(rows("usage_rollups")).isEqualTo(rollups);
        assertThat(daily("days=40").toString()).isEqualTo(before);
        assertThat(retention.purge().deletedRows()).isZero();
    }

    private void chat(int n, String user) {
        for (int i = 0; i < n; i++) {
            String body = user == null ? TestGateway.chat("ok", false)
                    : "{\"model\":\"ok\",\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertThat(gw.post("/v1/chat/completions", body, gw.key).statusCode()).isEqualTo(200);
        }
    }

    private JsonNode stats(int hours) throws Exception {
        return JSON.readTree(gw.get("/v1/usage/stats?hours=" + hours, gw.key).body());
    }

    private JsonNode daily(String query) throws Exception {
        HttpResponse<String> res = gw.get("/v1/usage/daily?" + query, gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private long rows(String table) throws Exception {
        try (Connection c = gw.gateway.usage().store().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
