package dev.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.account.LimitOverrides;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TcpProxy;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One gateway, Redis cut mid-run (through a proxy: the shared Redis stays up): each Redis use takes its
 * documented fallback at once, counted in its metric (docs/operations.md "When a dependency is down"):
 * rate limits admit (fail open), quotas refuse with 503 limits_unavailable and charge nothing (fail
 * closed), the cache answers from the provider (fail open); all shared again once Redis is back.
 */
class RedisOutageTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void eachLimitTakesItsFallbackAndCountsIt() throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi(); TcpProxy redis = new TcpProxy(6379)) {
            String yaml = "redis: redis://127.0.0.1:" + redis.port() + "\n" + TestGateway.openAiConfig("ok")
                    + "limits: { default_rpm: 0, redis_timeout_ms: 300 }\n"
                    + "plans: { metered: { monthly: { messages: 100 } } }\n";
            try (TestGateway gw = TestGateway.start(dir, yaml, upstream.baseUrl())) {
                String limited = gw.gateway.accounts().createKeyWithLimits(gw.accountId, "rpm", new LimitOverrides(1000, null, null, null), null).secret();
                String metered = gw.gateway.accounts().create("metered-" + UUID.randomUUID(), "metered").id();
                gw.gateway.ledger().grant("fund:" + metered, metered, TestGateway.FUNDING_MICROS, "test");
                String meteredKey = gw.gateway.accounts().createKey(metered, "m", null, null).secret();
                String cached = "{\"model\":\"ok\",\"cache\":{\"ttl\":600},\"messages\":[{\"role\":\"user\",\"content\":\"" + UUID.randomUUID() + "\"}]}";
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), limited).statusCode()).isEqualTo(200);
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), meteredKey).statusCode()).isEqualTo(200);

                redis.cut();
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), limited).statusCode())
                        .as("rate limits fail open").isEqualTo(200);
                HttpResponse<String> quota = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), meteredKey);
                assertThat(quota.statusCode()).as("quotas fail closed").isEqualTo(503);
                assertThat(JSON.readTree(quota.body()).path("error").path("code").asText()).isEqualTo("limits_unavailable");
                HttpResponse<String> cache = gw.post("/v1/chat/completions", cached, gw.key);
                assertThat(cache.statusCode()).as("the cache fails open").isEqualTo(200);
                assertThat(cache.headers().firstValue("x-tollgate-cache")).hasValue("miss");
                String metrics = gw.get("/metrics", null).body();
                assertThat(counter(metrics, "tollgate_limits_redis_failures_total")).isPositive();
                assertThat(counter(metrics, "tollgate_quota_unavailable_total")).isPositive();
                assertThat(counter(metrics, "tollgate_cache_redis_failures_total")).isPositive();

                redis.restore();
                assertThat(Credits.eventually(Duration.ofSeconds(15), () ->
                        gw.post("/v1/chat/completions", TestGateway.chat("ok", false), meteredKey).statusCode() == 200))
                        .as("quotas admit again once Redis answers").isTrue();
                long charged = TestGateway.FUNDING_MICROS - gw.gateway.ledger().balance(metered).postedMicros();
                assertThat(charged).as("two answered requests charged, the refused one not").isEqualTo(2 * (12 * 1000 + 3 * 2000));
                assertThat(gw.gateway.ledger().verify().ok()).isTrue();
            }
        }
    }

    /** The sum of a counter's samples in a Prometheus scrape (0 when absent). */
    static double counter(String scrape, String name) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }
}
