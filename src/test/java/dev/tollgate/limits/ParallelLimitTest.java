package dev.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.account.LimitOverrides;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * max_parallel: requests in flight beyond the limit get 429 while the upstream holds the others (a gate), and
 * the slot comes back on every exit path: success, upstream error, a stream cut by the upstream, and a client
 * that disconnects mid-stream.
 */
class ParallelLimitTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestClock clock = new TestClock();
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        String yaml = TestGateway.openAiConfig("ok", "gated", "fail-500", "cut-after-2", "stall-after-2")
                + "limits: { default_rpm: 0 }\n";
        gw = TestGateway.start(dir, yaml, upstream.baseUrl(), "jdbc:sqlite:" + dir.resolve("tollgate.db"), clock, clock.sleeper());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    String key(int maxParallel) {
        return gw.gateway.accounts().createKeyWithLimits(gw.accountId, "p",
                new LimitOverrides(null, null, maxParallel, null), null).secret();
    }

    int inFlight(String key) {
        String keyId = gw.gateway.accounts().authenticate(key).orElseThrow().keyId();
        return ((LocalRateLimits) gw.gateway.guard().rates()).inFlight("key:" + keyId + ":max_parallel");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    HttpResponse<String> chat(String key, String model, boolean stream) {
        return gw.post("/v1/chat/completions", TestGateway.chat(model, stream), key);
    }

    @Test
    void requestsBeyondMaxParallelAre429UntilOneFinishes() throws Exception {
        String key = key(2);
        CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(() -> chat(key, "gated", false));
        CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(() -> chat(key, "gated", false));
        await(() -> upstream.calls("gated") == 2, "two requests at the upstream");
        assertThat(inFlight(key)).isEqualTo(2);

        HttpResponse<String> third = chat(key, "ok", false);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("retry-after")).contains("1");
        assertThat(JSON.readTree(third.body()).path("error").path("message").asText())
                .contains("requests in flight (max_parallel) of 2");

        upstream.gate.countDown();
        assertThat(a.get().statusCode()).isEqualTo(200);
        assertThat(b.get().statusCode()).isEqualTo(200);
        // the slot is given back as the handler returns, a moment after the client has its answer
        await(() -> inFlight(key) == 0, "both slots released");
        assertThat(chat(key, "ok", false).statusCode()).isEqualTo(200);
    }

    @Test
    void theSlotIsReleasedAfterAnUpstreamErrorAndAStreamCut() {
        String key = key(1);
        for (int i = 0; i < 3; i++) {
            assertThat(chat(key, "fail-500", false).statusCode()).isEqualTo(502);
            assertThat(inFlight(key)).isZero();
        }
        HttpResponse<String> cut = chat(key, "cut-after-2", true);
        assertThat(cut.statusCode()).isEqualTo(200);
        assertThat(cut.body()).contains("\"error\"").doesNotContain("[DONE]");
        assertThat(inFlight(key)).isZero();
        assertThat(chat(key, "ok", false).statusCode()).isEqualTo(200);
    }

    @Test
    void theSlotIsReleasedWhenTheClientDisconnectsMidStream() throws Exception {
        String key = key(1);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat("stall-after-2", true))).build();
        HttpResponse<InputStream> res = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        try (InputStream body = res.body()) {
            assertThat(body.read(new byte[16])).isPositive(); // the stream started
            assertThat(inFlight(key)).isEqualTo(1);
            assertThat(chat(key, "ok", false).statusCode()).as("the slot is held while streaming").isEqualTo(429);
        } // the client goes away while the upstream is silent
        client.shutdownNow();
        await(() -> inFlight(key) == 0, "the slot of the abandoned stream"); // after stream_idle_timeout_ms
        assertThat(chat(key, "ok", false).statusCode()).isEqualTo(200);
    }
}
