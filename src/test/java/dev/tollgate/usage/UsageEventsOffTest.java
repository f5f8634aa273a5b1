package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code usage.events: false} (LiteLLM's {@code disable_spend_logs}): requests are served and billed as always, the
 * Prometheus meters and the access log still see every request, and nothing reaches usage_events or the rollups.
 */
class UsageEventsOffTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;
    Path accessLog;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        accessLog = dir.resolve("access.jsonl");
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok", "fail-500") + """
                usage:
                  events: false
                  access_log: %s
                """.formatted(accessLog), upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    @Test
    void requestsAreServedBilledMeteredAndLoggedButNoEventIsStored() throws Exception {
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("fail-500", false), gw.key).statusCode()).isEqualTo(502);
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();

        assertThat(gw.gateway.ledger().balance(gw.accountId).postedMicros())
                .as("billed as always").isEqualTo(TestGateway.FUNDING_MICROS - 18_000);
        assertThat(gw.get("/metrics", null).body())
                .contains("tollgate_requests_seconds_count{model=\"ok\",provider=\"fake\",route=\"/v1/chat/completions\",status=\"200\"} 1")
                .contains("tollgate_usage_events_dropped_total 0.0");
        List<String> lines = Files.readAllLines(accessLog);
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(0)).get("cost").decimalValue()).isEqualByComparingTo("0.018");

        assertThat(UsageStoreTest.count(gw.gateway.usage().store(), "SELECT COUNT(*) FROM usage_events")).isZero();
        assertThat(UsageStoreTest.count(gw.gateway.usage().store(), "SELECT COUNT(*) FROM usage_rollups")).isZero();
        JsonNode stats = JSON.readTree(gw.get("/v1/usage/stats", gw.key).body());
        assertThat(stats.get("total_requests").asLong()).isZero();
    }
}
