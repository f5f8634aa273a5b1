package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries, fallback, circuit breakers and the x-tollgate-attempts header, end to end against the fake
 * upstream. Each test gets its own gateway, fake and clock, so breaker state and call counts are its
 * own; the backoff sleeper records delays instead of sleeping.
 */
class RetryFallbackTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = """
            server:
              upstream_timeout_ms: 2000
              stream_idle_timeout_ms: 1000
            routing:
              retries: { max_attempts: 3, base_backoff_ms: 100, max_backoff_ms: 2000 }
              breaker: { failure_threshold: 3, open_ms: 30000 }
            providers:
              - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
              - { name: backup, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
            models:
            """ + models("ok", "fail-500", "bad-request", "cut-after-2", "cut-before-first", "flaky-1-chain",
            "flaky-1-emb", "retry-after-1-x", "retry-after-5-x", "switch") + """
              - { name: backup-ok, provider: backup, upstream: ok, price: { input: 1, output: 2 } }
              - { name: pricey, provider: fake, upstream: ok, price: { input: 100000, output: 100000 } }
            aliases:
              afford: [pricey, ok]
              chain: [fail-500, flaky-1-chain, ok]
              to-backup: [fail-500, backup-ok]
              refused: [bad-request, ok]
              guarded: [switch, ok]
            """;

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestClock clock;
    TestGateway gw;

    static String models(String... names) {
        StringBuilder yaml = new StringBuilder();
        for (String m : names) yaml.append("  - { name: ").append(m).append(", provider: fake, price: { input: 1, output: 2 } }\n");
        return yaml.toString();
    }

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        clock = new TestClock();
        gw = TestGateway.start(dir, CONFIG, upstream.baseUrl(), "jdbc:sqlite:" + dir.resolve("tollgate.db"), clock, clock.sleeper());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    HttpResponse<String> chat(String model, boolean stream) {
        return gw.post("/v1/chat/completions", TestGateway.chat(model, stream), gw.key);
    }

    static String attempts(HttpResponse<String> res) {
        return res.headers().firstValue("x-tollgate-attempts").orElse(null);
    }

    List<HistoryEntry> charges() {
        return gw.gateway.ledger().history(gw.accountId, 100, null).data().stream().filter(e -> e.type().equals("charge")).toList();
    }

    @Test
    void retryableFailuresAreRetriedUpToMaxAttemptsThenTheNextCandidateInAliasOrder() {
        HttpResponse<String> res = chat("chain", false);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(upstream.calls("fail-500")).as("max_attempts tries in total").isEqualTo(3);
        assertThat(upstream.calls("flaky-1-chain")).as("failed once, answered on the retry").isEqualTo(2);
        assertThat(upstream.calls("ok")).as("never reached").isZero();
        assertThat(attempts(res)).isEqualTo("fail-500@fake=server_error/500; fail-500@fake=server_error/500; "
                + "fail-500@fake=server_error/500; flaky-1-chain@fake=server_error/500; flaky-1-chain@fake=ok");
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("flaky-1-chain");
        // backoff: exponential with equal jitter, reset per deployment
        assertThat(clock.sleeps).hasSize(3);
        assertThat(clock.sleeps.get(0)).isBetween(50L, 100L);
        assertThat(clock.sleeps.get(1)).isBetween(100L, 200L);
        assertThat(clock.sleeps.get(2)).isBetween(50L, 100L);
    }

    @Test
    void onlyTheModelThatAnsweredIsBilledAndNoHoldIsLeftOpen() {
        HttpResponse<String> res = chat("to-backup", false);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-provider")).contains("backup");
        assertThat(attempts(res)).endsWith("; backup-ok@backup=ok");
        assertThat(charges()).singleElement().satisfies(c -> {
            assertThat(c.model()).isEqualTo("backup-ok");
            assertThat(c.amountMicros()).isNegative();
        });
        assertThat(gw.gateway.ledger().balance(gw.accountId).heldMicros()).isZero();
        assertThat(gw.gateway.ledger().verify().ok()).isTrue();
    }

    @Test
    void aRejectedRequestIsNotRetriedNorFallenOver() {
        HttpResponse<String> res = chat("refused", false);
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(upstream.calls("bad-request")).isEqualTo(1);
        assertThat(upstream.calls("ok")).isZero();
        assertThat(clock.sleeps).isEmpty();
        assertThat(attempts(res)).isEqualTo("bad-request@fake=bad_request/400");
        assertThat(charges()).isEmpty();
    }

    @Test
    void whenEverythingFailsTheErrorCarriesTheAttemptsAndNothingIsCharged() {
        HttpResponse<String> res = chat("fail-500", true);
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(attempts(res)).isEqualTo("fail-500@fake=server_error/500; fail-500@fake=server_error/500; "
                + "fail-500@fake=server_error/500");
        assertThat(charges()).isEmpty();
        assertThat(gw.gateway.ledger().balance(gw.accountId).heldMicros()).isZero();
    }

    @Test
    void aStreamCutBeforeAnyByteIsRetried() {
        HttpResponse<String> res = chat("cut-before-first", true);
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(upstream.calls("cut-before-first")).isEqualTo(3);
        assertThat(attempts(res).split("; ")).hasSize(3).allMatch(e -> e.startsWith("cut-before-first@fake="));
        assertThat(charges()).isEmpty();
    }

    @Test
    void aStreamCutAfterTheFirstByteIsNeverRetriedAndBillsWhatWasProduced() {
        HttpResponse<String> res = chat("cut-after-2", true);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(attempts(res)).as("set before the first byte").isEqualTo("cut-after-2@fake=ok");
        assertThat(res.body()).contains("partial").contains("upstream_error");
        assertThat(upstream.calls("cut-after-2")).isEqualTo(1);
        assertThat(clock.sleeps).isEmpty();
        assertThat(charges()).singleElement().satisfies(c -> {
            assertThat(c.model()).isEqualTo("cut-after-2");
            assertThat(c.amountMicros()).isNegative();
        });
    }

    @Test
    void streamedAnswerAfterRetriesCarriesTheHeader() {
        HttpResponse<String> res = chat("to-backup", true);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(attempts(res)).isEqualTo("fail-500@fake=server_error/500; fail-500@fake=server_error/500; "
                + "fail-500@fake=server_error/500; backup-ok@backup=ok");
        assertThat(res.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void providerRetryAfterIsHonouredWithinTheCapAndSkipsToTheNextCandidateBeyondIt() {
        HttpResponse<String> within = chat("retry-after-1-x", false);
        assertThat(within.statusCode()).isEqualTo(429);
        assertThat(within.headers().firstValue("retry-after")).hasValue("1");
        assertThat(upstream.calls("retry-after-1-x")).isEqualTo(3);
        assertThat(clock.sleeps).containsExactly(1_000L, 1_000L);
        clock.sleeps.clear();
        HttpResponse<String> beyond = chat("retry-after-5-x", false);
        assertThat(upstream.calls("retry-after-5-x")).as("5 s is over max_backoff_ms: no retry here").isEqualTo(1);
        assertThat(clock.sleeps).isEmpty();
        assertThat(attempts(beyond)).isEqualTo("retry-after-5-x@fake=rate_limited/429");
    }

    @Test
    void breakerOpensSkipsThenLetsOneProbeThroughAndCloses() throws Exception {
        upstream.switchFailing = true;
        HttpResponse<String> first = chat("guarded", false);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(upstream.calls("switch")).isEqualTo(3); // 3 failures = failure_threshold: now open
        assertThat(breaker("switch")).isEqualTo("open");
        assertThat(providerState("fake")).as("an open breaker shows in the provider's state").isEqualTo("circuit-open");

        HttpResponse<String> skipped = chat("guarded", false);
        assertThat(attempts(skipped)).isEqualTo("switch@fake=skip:breaker_open; ok@fake=ok");
        assertThat(upstream.calls("switch")).as("an open deployment is not called").isEqualTo(3);
        HttpResponse<String> alone = chat("switch", false);
        assertThat(alone.statusCode()).isEqualTo(502);
        assertThat(attempts(alone)).isEqualTo("switch@fake=skip:breaker_open");

        clock.advance(Duration.ofSeconds(30)); // half-open: the probe fails and reopens it
        HttpResponse<String> failedProbe = chat("guarded", false);
        assertThat(attempts(failedProbe)).isEqualTo("switch@fake=server_error/500; switch@fake=skip:breaker_open; ok@fake=ok");
        assertThat(upstream.calls("switch")).isEqualTo(4);

        upstream.switchFailing = false;
        clock.advance(Duration.ofSeconds(30)); // the probe succeeds and closes it
        HttpResponse<String> probe = chat("guarded", false);
        assertThat(attempts(probe)).isEqualTo("switch@fake=ok");
        assertThat(breaker("switch")).isEqualTo("closed");
        assertThat(providerState("fake")).isEqualTo("ok");
        assertThat(chat("switch", false).statusCode()).isEqualTo(200);
    }

    @Test
    void embeddingsAreRetriedToo() {
        HttpResponse<String> res = gw.post("/v1/embeddings", "{\"model\":\"flaky-1-emb\",\"input\":\"hi\"}", gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(upstream.calls("flaky-1-emb")).isEqualTo(2);
        assertThat(attempts(res)).isEqualTo("flaky-1-emb@fake=server_error/500; flaky-1-emb@fake=ok");
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.model()).isEqualTo("flaky-1-emb"));
    }

    @Test
    void anUnaffordableCandidateIsSkippedWithoutACallAndSaysSo() {
        HttpResponse<String> res = chat("afford", false);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(attempts(res)).isEqualTo("pricey@fake=skip:insufficient_credits; ok@fake=ok");
        assertThat(upstream.calls("ok")).isEqualTo(1);
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.model()).isEqualTo("ok"));
    }

    @Test
    void anthropicMessagesCarryTheAttemptsToo() {
        String body = "{\"model\":\"to-backup\",\"max_tokens\":50,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> res = gw.post("/v1/messages", body, gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(attempts(res)).isEqualTo("fail-500@fake=server_error/500; fail-500@fake=server_error/500; "
                + "fail-500@fake=server_error/500; backup-ok@backup=ok");
        assertThat(res.body()).contains("message_stop");
    }

    /** The breaker state of one deployment as GET /admin/providers shows it. */
    String breaker(String model) throws Exception {
        HttpResponse<String> res = gw.get("/admin/providers", TestGateway.ADMIN_TOKEN);
        assertThat(res.statusCode()).isEqualTo(200);
        for (JsonNode p : JSON.readTree(res.body()).path("data")) {
            for (JsonNode d : p.path("health").path("deployments")) {
                if (d.path("model").asText().equals(model)) return d.path("breaker").asText();
            }
        }
        throw new AssertionError("no deployment " + model + " in " + res.body());
    }

    /** The provider's state as GET /admin/providers shows it. */
    String providerState(String provider) throws Exception {
        for (JsonNode p : JSON.readTree(gw.get("/admin/providers", TestGateway.ADMIN_TOKEN).body()).path("data")) {
            if (p.path("name").asText().equals(provider)) return p.path("state").asText();
        }
        throw new AssertionError("no provider " + provider);
    }
}
