package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator and a caller observe besides the totals: declared tasks (validated, stripped, honoured by
 * {@code model: auto}), the Prometheus meters (bounded labels, no account), the access log (no secret, no
 * prompt), the estimate's expectation from history, and the raw event's fields.
 */
class UsageObservabilityTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;
    Path accessLog;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        accessLog = dir.resolve("logs/access.jsonl");
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok", "big", "fail-500") + """
                routing:
                  auto:
                    policy:
                      math: { simple: [ { model: big, quality: 0.9 } ] }
                usage:
                  retention_days: 7
                  access_log: %s
                """.formatted(accessLog), upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    HttpResponse<String> chat(String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + gw.key).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return TestGateway.send(b.build());
    }

    @Test
    void aDeclaredTaskIsValidatedStrippedHonouredByAutoAndRecorded() throws Exception {
        String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]";
        HttpResponse<String> declared = chat("{\"model\":\"auto\",\"task\":\"math\"," + hi + "}");
        assertThat(declared.statusCode()).as(declared.body()).isEqualTo(200);
        assertThat(declared.headers().firstValue("x-tollgate-task-type")).contains("math");
        assertThat(declared.headers().firstValue("x-tollgate-model")).contains("big");
        assertThat(upstream.requests.get(upstream.requests.size() - 1).has("task")).isFalse();

        HttpResponse<String> byHeader = chat("{\"model\":\"auto\"," + hi + "}", "x-tollgate-task", "math");
        assertThat(byHeader.headers().firstValue("x-tollgate-model")).contains("big");
        HttpResponse<String> guessed = chat("{\"model\":\"auto\"," + hi + "}");
        assertThat(guessed.headers().firstValue("x-tollgate-task-type")).contains("general");

        HttpResponse<String> bad = chat("{\"model\":\"ok\",\"task\":\"poetry\"," + hi + "}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").path("param").asText()).isEqualTo("task");
        assertThat(chat("{\"model\":\"ok\"," + hi + "}", "x-tollgate-task", "poetry").statusCode()).isEqualTo(400);

        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        JsonNode stats = JSON.readTree(gw.get("/v1/usage/stats", gw.key).body());
        assertThat(stats.get("total_requests").asLong()).isEqualTo(5);
        assertThat(stats.get("failed_requests").asLong()).isEqualTo(2);
        assertThat(stats.get("cost_by_task").has("math")).isTrue();
        assertThat(stats.get("cost_by_task").has("general")).isTrue();
        List<String> tasks = column("SELECT task || ':' || task_declared FROM usage_events ORDER BY created_at, id");
        assertThat(tasks).contains("math:1", "general:0");
    }

    @Test
    void eventsCarryTheRouteTheUserTheTagsAndTheFailure() throws Exception {
        assertThat(chat("{\"model\":\"ok\",\"user\":\"u-1\",\"metadata\":{\"team\":\"red\"},\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-request-id", "trace-1").statusCode()).isEqualTo(200);
        assertThat(chat("{\"model\":\"fail-500\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-tollgate-user", "u-2", "x-request-id", "trace-2").statusCode()).isEqualTo(502);
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        assertThat(column("SELECT request_id || '|' || end_user || '|' || tags || '|' || model || '|' || provider || '|' "
                + "|| status || '|' || streamed || '|' || calls || '|' || output_tokens FROM usage_events WHERE request_id = 'trace-1'"))
                .containsExactly("trace-1|u-1|{\"team\":\"red\"}|ok|fake|200|1|1|3");
        assertThat(column("SELECT end_user || '|' || model || '|' || COALESCE(provider, '-') || '|' || status || '|' "
                + "|| error_code || '|' || calls || '|' || cost_micros || '|' || attempts FROM usage_events WHERE request_id = 'trace-2'"))
                .containsExactly("u-2|fail-500|-|502|upstream_error|2|0|fail-500@fake=server_error/500; fail-500@fake=server_error/500");
        assertThat(column("SELECT ttfb_ms >= 0 AND ttfb_ms <= latency_ms FROM usage_events WHERE request_id = 'trace-1'"))
                .containsExactly("1");
    }

    @Test
    void metricsHaveBoundedLabelsAndNoAccount() throws Exception {
        assertThat(chat("{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
        assertThat(chat("{\"model\":\"fail-500\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(502);
        assertThat(chat("{\"model\":\"typed-by-a-caller\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(404);
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        String scrape = gw.get("/metrics", null).body();
        assertThat(scrape).contains("tollgate_requests_seconds_count{model=\"ok\",provider=\"fake\",route=\"/v1/chat/completions\",status=\"200\"} 1");
        assertThat(scrape).contains("tollgate_requests_seconds_count{model=\"none\",provider=\"none\",route=\"/v1/chat/completions\",status=\"502\"} 1");
        assertThat(scrape).contains("tollgate_requests_seconds_bucket{model=\"ok\",provider=\"fake\",route=\"/v1/chat/completions\",status=\"200\",le=\"60.0\"} 1");
        assertThat(scrape).contains("tollgate_tokens_total{model=\"ok\",provider=\"fake\",type=\"input\"}");
        assertThat(scrape).contains("tollgate_credits_charged_micros_total{model=\"ok\",provider=\"fake\"} 18000.0");
        assertThat(scrape).contains("tollgate_upstream_errors_total{kind=\"server_error\",provider=\"fake\"} 2.0");
        assertThat(scrape).contains("tollgate_usage_queue_depth", "tollgate_usage_events_dropped_total 0.0",
                "tollgate_usage_batch_commit_seconds_count");
        assertThat(scrape).contains("tollgate_breaker_state{model=\"ok\",provider=\"fake\"} 0.0",
                "tollgate_ledger_holds_open 0.0", "tollgate_ledger_batches_total", "tollgate_ledger_operations_total",
                "tollgate_ledger_commit_seconds_count");
        assertThat(gw.get("/v1/credits/history", gw.key).statusCode()).isEqualTo(200);
        assertThat(gw.get("/metrics", null).body()).contains("tollgate_http_requests_total{path=\"/v1/credits/history\",status=\"200\"} 1.0");
        assertThat(scrape).doesNotContain(gw.accountId).doesNotContain("typed-by-a-caller");
    }

    @Test
    void theAccessLogHasOneLinePerRequestAndNoSecret() throws Exception {
        assertThat(chat("{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":\"my secret plan\"}]}",
                "x-request-id", "log-1").statusCode()).isEqualTo(200);
        assertThat(gw.get("/v1/credits", gw.key).statusCode()).isEqualTo(200);
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        List<String> lines = Files.readAllLines(accessLog);
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("request_id").asText()).isEqualTo("log-1");
        assertThat(first.get("account").asText()).isEqualTo(gw.accountId);
        assertThat(first.get("key_id").asText()).startsWith("key_");
        assertThat(first.get("model").asText()).isEqualTo("ok");
        assertThat(first.get("provider").asText()).isEqualTo("fake");
        assertThat(first.get("status").asInt()).isEqualTo(200);
        assertThat(first.get("cost").decimalValue()).isEqualByComparingTo("0.018");
        assertThat(first.get("output_tokens").asLong()).isEqualTo(3);
        assertThat(first.get("calls").asInt()).isEqualTo(1);
        assertThat(first.has("latency_ms")).isTrue();
        String all = String.join("\n", lines);
        assertThat(all).doesNotContain(gw.key).doesNotContain(gw.key.substring(3, 20)).doesNotContain("secret plan")
                .doesNotContain("sk-test-provider-key");
        assertThat(JSON.readTree(lines.get(1)).get("path").asText()).isEqualTo("/v1/credits");
    }

    @Test
    void theEstimateAddsTheExpectedCostFromObservedOutput() throws Exception {
        String body = "{\"model\":\"ok\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
        JsonNode before = JSON.readTree(gw.post("/v1/estimate", body, gw.key).body());
        assertThat(before.get("sample_size").asLong()).isZero();
        assertThat(before.get("expected_basis").asText()).isEqualTo("output_cap");
        assertThat(before.get("expected_output_tokens").asLong()).isEqualTo(500);
        for (int i = 0; i < 5; i++) assertThat(gw.post("/v1/chat/completions", body, gw.key).statusCode()).isEqualTo(200);
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        JsonNode after = JSON.readTree(gw.post("/v1/estimate", body, gw.key).body());
        assertThat(after.get("expected_output_tokens").asLong()).isEqualTo(3); // the fake always answers 3 tokens
        assertThat(after.get("sample_size").asLong()).isEqualTo(5);
        assertThat(after.get("expected_basis").asText()).isEqualTo("account_model_task");
        long input = after.get("estimated_input_tokens").asLong();
        assertThat(after.get("expected_cost").decimalValue()).isEqualByComparingTo(
                java.math.BigDecimal.valueOf(input * 1000 + 3 * 2000, 6)); // $1 / $2 per 1M, $0.001 a credit
        assertThat(after.get("max_cost")).isEqualTo(before.get("max_cost")); // the hold is what it was
    }

    private List<String> column(String sql) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = gw.gateway.usage().store().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
