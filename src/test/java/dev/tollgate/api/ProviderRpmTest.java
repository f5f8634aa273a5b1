package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code providers[].rpm}: a provider at its limit is skipped for the next candidate; when every
 * candidate is limited the answer is 429 with Retry-After. In memory without {@code redis:}; with it,
 * shared by two gateways in this JVM (Redis on 127.0.0.1:6379; a unique provider name per run keeps
 * the Redis keys apart), and failing open when Redis is unreachable.
 */
class ProviderRpmTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeOpenAi upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    static String config(String redis, String providerA, int rpmA, int rpmB) {
        return (redis == null ? "" : "redis: " + redis + "\n") + """
                providers:
                  - { name: %s, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890, rpm: %d }
                  - { name: b, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890, rpm: %d }
                models:
                  - { name: ok-a, provider: %s, upstream: ok, price: { input: 1, output: 2 } }
                  - { name: ok-b, provider: b, upstream: ok, price: { input: 1, output: 2 } }
                aliases:
                  pair: [ok-a, ok-b]
                """.formatted(providerA, rpmA, rpmB, providerA);
    }

    TestGateway gateway(String name, String yaml, TestClock clock) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        return TestGateway.start(d, yaml, upstream.baseUrl(), "jdbc:sqlite:" + d.resolve("tollgate.db"), clock, clock.sleeper());
    }

    static HttpResponse<String> chat(TestGateway gw, String model) {
        return gw.post("/v1/chat/completions", TestGateway.chat(model, false), gw.key);
    }

    @Test
    void aLimitedProviderIsSkippedAndWhenAllAreLimitedTheAnswerIs429WithRetryAfter() throws Exception {
        TestClock clock = new TestClock();
        try (TestGateway gw = gateway("local", config(null, "a", 2, 1), clock)) {
            assertThat(chat(gw, "pair").headers().firstValue("x-tollgate-model")).contains("ok-a");
            assertThat(chat(gw, "pair").headers().firstValue("x-tollgate-model")).contains("ok-a");
            HttpResponse<String> third = chat(gw, "pair");
            assertThat(third.statusCode()).isEqualTo(200);
            assertThat(third.headers().firstValue("x-tollgate-model")).contains("ok-b");
            assertThat(third.headers().firstValue("x-tollgate-attempts").orElseThrow())
                    .matches("ok-a@a=skip:rpm_limited/\\d+; ok-b@b=ok");

            HttpResponse<String> limited = chat(gw, "pair");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(JSON.readTree(limited.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
            long retryAfter = Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 60L);
            assertThat(limited.headers().firstValue("x-tollgate-attempts").orElseThrow())
                    .matches("ok-a@a=skip:rpm_limited/\\d+; ok-b@b=skip:rpm_limited/\\d+");
            assertThat(upstream.calls("ok")).as("a limited provider is not called").isEqualTo(3);
            assertThat(gw.gateway.ledger().balance(gw.accountId).heldMicros()).isZero();

            JsonNode providers = JSON.readTree(gw.get("/admin/providers", TestGateway.ADMIN_TOKEN).body()).path("data");
            assertThat(providers.get(0).path("health").path("rpm").asInt()).isEqualTo(2);
            assertThat(providers.get(0).path("health").path("rpm_headroom").asLong()).isZero();
            assertThat(providers.get(0).path("health").path("rpm_limiter").asText()).isEqualTo("local");

            clock.advance(Duration.ofSeconds(30)); // one permit back at 2 rpm
            assertThat(chat(gw, "pair").headers().firstValue("x-tollgate-model")).contains("ok-a");
        }
    }

    @Test
    void withRedisTheLimitIsSharedByEveryReplica() throws Exception {
        String provider = "a" + UUID.randomUUID().toString().substring(0, 8); // its own Redis key this run
        String yaml = config("redis://127.0.0.1:6379", provider, 2, 1);
        try (TestGateway one = gateway("one", yaml, new TestClock()); TestGateway two = gateway("two", yaml, new TestClock())) {
            assertThat(chat(one, "ok-a").statusCode()).isEqualTo(200);
            assertThat(chat(two, "ok-a").statusCode()).isEqualTo(200);
            HttpResponse<String> third = chat(one, "ok-a");
            assertThat(third.statusCode()).as("replica one sees replica two's call").isEqualTo(429);
            assertThat(third.headers().firstValue("retry-after")).isPresent();
            assertThat(chat(two, "ok-a").statusCode()).isEqualTo(429);
            assertThat(upstream.calls("ok")).isEqualTo(2);
            JsonNode a = JSON.readTree(two.get("/admin/providers", TestGateway.ADMIN_TOKEN).body()).path("data").get(0);
            assertThat(a.path("health").path("rpm_limiter").asText()).isEqualTo("redis");
            assertThat(a.path("health").path("rpm_headroom").asLong()).isZero();
        }
    }

    @Test
    void whenRedisIsDownTheLimitFailsOpenAndCountsIt() throws Exception {
        try (TestGateway gw = gateway("down", config("redis://127.0.0.1:1", "a", 1, 1), new TestClock())) {
            assertThat(chat(gw, "ok-a").statusCode()).isEqualTo(200);
            assertThat(chat(gw, "ok-a").statusCode()).as("over rpm 1, allowed: fail open").isEqualTo(200);
            String metrics = gw.get("/metrics", null).body();
            assertThat(metrics).containsPattern("tollgate_provider_rpm_redis_failures_total(\\{[^}]*\\})? [2-9]");
        }
    }
}
