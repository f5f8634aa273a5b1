package dev.tollgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.VerifyReport;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TcpProxy;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /ready} and what a replica does while its store is unreachable (docs/operations.md
 * "When a dependency is down"): money operations fail closed with 503 store_unavailable, nothing is
 * charged, nothing is lost, and everything works again once the store is back. PostgreSQL is reached
 * through a TCP proxy the test cuts, so the shared server stays up for other tests.
 */
class StoreOutageTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long FAKE_COST_MICROS = 12 * 1000 + 3 * 2000; // 12 prompt + 3 completion tokens at $1/$2 per 1M

    @TempDir
    Path dir;

    @Test
    void readyAnswers200OnAReachableStoreAnd503WhileDraining() throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi();
             TestGateway gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), upstream.baseUrl())) {
            HttpResponse<String> ready = gw.get("/ready", null);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(ready.body())).isEqualTo(JSON.readTree("{\"status\":\"ready\",\"store\":\"ok\",\"draining\":false}"));
            gw.gateway.readiness().drain();
            HttpResponse<String> draining = gw.get("/ready", null);
            assertThat(draining.statusCode()).isEqualTo(503);
            assertThat(draining.headers().firstValue("retry-after")).hasValue("1");
            assertThat(JSON.readTree(draining.body()).path("draining").asBoolean()).isTrue();
            assertThat(gw.get("/health", null).statusCode()).as("liveness is not readiness").isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode())
                    .as("a draining replica still serves what reaches it").isEqualTo(200);
        }
    }

    @Test
    void postgresDownFailsMoneyClosedChargesNothingAndRecovers() throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi(); TcpProxy proxy = new TcpProxy(5432)) {
            String url = TestDatabases.postgresUrl().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
            try (TestGateway gw = TestGateway.start(dir, TestGateway.openAiConfig("ok") + "limits: { default_rpm: 0 }\n",
                    upstream.baseUrl(), url)) {
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
                int upstreamCalls = upstream.requests.size();

                proxy.cut();
                assertThat(Credits.eventually(Duration.ofSeconds(5), () -> gw.get("/ready", null).statusCode() == 503))
                        .as("/ready fails while the store is unreachable").isTrue();
                assertThat(JSON.readTree(gw.get("/ready", null).body()).path("store").asText()).isEqualTo("unreachable");
                // each store access waits out the pool's connection timeout (10 s); a chat makes at most two
                // (key lookup once the key cache expired, then the hold) before it fails closed
                long start = System.nanoTime();
                var both = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
                var chat = CompletableFuture.supplyAsync(() -> slow(gw, "POST", "/v1/chat/completions", gw.key), both);
                var credits = CompletableFuture.supplyAsync(() -> slow(gw, "GET", "/v1/credits", gw.key), both);
                for (HttpResponse<String> down : java.util.List.of(chat.get(), credits.get())) {
                    assertThat(down.statusCode()).as(down.uri().getPath()).isEqualTo(503);
                    JsonNode error = JSON.readTree(down.body()).path("error");
                    assertThat(error.path("code").asText()).isEqualTo("store_unavailable");
                    assertThat(error.path("message").asText()).contains("store is unavailable");
                    assertThat(down.headers().firstValue("retry-after")).hasValue("1");
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
                assertThat(gw.get("/health", null).statusCode()).as("the process itself is alive").isEqualTo(200);
                assertThat(gw.get("/metrics", null).statusCode()).isEqualTo(200);
                assertThat(upstream.requests.size()).as("no provider called without a hold").isEqualTo(upstreamCalls);

                proxy.restore();
                assertThat(Credits.eventually(Duration.ofSeconds(15), () -> gw.get("/ready", null).statusCode() == 200)).isTrue();
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
                JsonNode balance = JSON.readTree(gw.get("/v1/credits", gw.key).body());
                assertThat(Credits.micros(balance.path("balance").asText()))
                        .as("two requests answered, two charged; the refused one cost nothing")
                        .isEqualTo(TestGateway.FUNDING_MICROS - 2 * FAKE_COST_MICROS);
                assertThat(Credits.micros(balance.path("held").asText())).isZero();
                VerifyReport report = gw.gateway.ledger().verify();
                assertThat(report.problems()).isEmpty();
                assertThat(report.ok()).isTrue();
            }
        }
    }

    /** With a timeout above the two connection timeouts a request may wait out while the store is down. */
    static HttpResponse<String> slow(TestGateway gw, String method, String path, String key) {
        var body = method.equals("POST") ? java.net.http.HttpRequest.BodyPublishers.ofString(TestGateway.chat("ok", true))
                : java.net.http.HttpRequest.BodyPublishers.noBody();
        return TestGateway.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + path))
                .timeout(Duration.ofSeconds(40)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").method(method, body).build());
    }
}
