package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.cli.Commands;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.GatewayProcess;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a gateway while requests (streaming and not) hold credits, restart it on the same store:
 * the held credits come back after their expiry, completed requests stay charged exactly once, and
 * the ledger verifies.
 */
class CrashRecoveryIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long FAKE_COST_MICROS = 12 * 1000 + 3 * 2000;

    @TempDir
    Path dir;

    @Test
    void killNineUnderLoadLeaksNothingAndChargesNothingTwice() throws Exception {
        Path data = dir.resolve("data");
        try (FakeOpenAi upstream = new FakeOpenAi(); ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Path config = dir.resolve("tollgate.yaml");
            Files.writeString(config, "credits: { hold_ttl_ms: 1000 }\n"
                    + TestGateway.openAiConfig("ok", "gated").replace("${UPSTREAM}", upstream.baseUrl()));
            GatewayProcess first = GatewayProcess.start(config, data, Map.of());
            String account;
            String key;
            try {
                account = JSON.readTree(post(first, "/admin/accounts", "{\"name\":\"victim\",\"credits\":100}",
                        TestGateway.ADMIN_TOKEN).body()).path("id").asText();
                key = JSON.readTree(post(first, "/admin/accounts/" + account + "/keys", "{}", TestGateway.ADMIN_TOKEN)
                        .body()).path("key").asText();
                for (int i = 0; i < 5; i++) {
                    assertThat(post(first, "/v1/chat/completions", TestGateway.chat("ok", i % 2 == 0), key).statusCode()).isEqualTo(200);
                }
                for (int i = 0; i < 8; i++) {
                    boolean stream = i % 2 == 0;
                    clients.submit(() -> post(first, "/v1/chat/completions", TestGateway.chat("gated", stream), key));
                }
                assertThat(Credits.eventually(Duration.ofSeconds(20), () -> upstream.requests.size() == 5 + 8)).isTrue();
                assertThat(held(first, account)).as("the in-flight requests hold credits").isPositive();
            } finally {
                first.kill();
            }

            try (GatewayProcess second = GatewayProcess.start(config, data, Map.of())) {
                assertThat(Credits.eventually(Duration.ofSeconds(20), () -> held(second, account) == 0))
                        .as("expired holds are released by the restarted gateway").isTrue();
                JsonNode detail = JSON.readTree(second.get("/admin/accounts/" + account, TestGateway.ADMIN_TOKEN));
                assertThat(Credits.micros(detail.path("balance").asText())).isEqualTo(100_000_000 - 5 * FAKE_COST_MICROS);
                JsonNode history = JSON.readTree(second.get("/v1/credits/history?limit=100", key)).path("data");
                long charges = 0;
                for (JsonNode e : history) if (e.path("type").asText().equals("charge")) charges++;
                assertThat(charges).as("each completed request charged once, the cut ones not at all").isEqualTo(5);
                assertThat(post(second, "/v1/chat/completions", TestGateway.chat("ok", false), key).statusCode()).isEqualTo(200);
            }
            upstream.gate.countDown();
        }
        assertThat(Commands.commandLine().execute("ledger", "verify", "--data", data.toString())).isZero();
    }

    static long held(GatewayProcess g, String account) {
        try {
            return Credits.micros(JSON.readTree(g.get("/admin/accounts/" + account, TestGateway.ADMIN_TOKEN)).path("held").asText());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> post(GatewayProcess g, String path, String body, String bearer) {
        return TestGateway.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
