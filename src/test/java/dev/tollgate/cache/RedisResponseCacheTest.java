package dev.tollgate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas on one store and one Redis (127.0.0.1:6379, a key prefix of this run only): an answer stored by one
 * is a hit on the other; with Redis gone the cache fails open (a miss, counted), never an error.
 */
class RedisResponseCacheTest {
    static final String REDIS = "redis://127.0.0.1:6379";

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    String prefix;
    TestGateway a;
    TestGateway b;
    final dev.tollgate.testing.TestClock clock = new dev.tollgate.testing.TestClock(); // both replicas' clock

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        prefix = "test:cache:" + UUID.randomUUID() + ":";
        String store = "jdbc:sqlite:" + dir.resolve("shared.db");
        String yaml = TestGateway.openAiConfig("ok") + "redis: " + REDIS + "\ncache: { key_prefix: '" + prefix + "' }\n";
        a = TestGateway.start(java.nio.file.Files.createDirectories(dir.resolve("a")), yaml, upstream.baseUrl(), store,
                clock, dev.tollgate.routing.health.Backoff.Sleeper.REAL);
        b = TestGateway.start(java.nio.file.Files.createDirectories(dir.resolve("b")), yaml, upstream.baseUrl(), store,
                clock, dev.tollgate.routing.health.Backoff.Sleeper.REAL);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        upstream.close();
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            var keys = c.sync().keys(prefix + "*");
            if (!keys.isEmpty()) c.sync().del(keys.toArray(String[]::new));
        } finally {
            client.shutdown();
        }
    }

    static String body() {
        return "{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"cache\":{\"ttl\":60}}";
    }

    @Test
    void anAnswerStoredByOneReplicaIsAHitOnTheOther() {
        HttpResponse<String> first = a.post("/v1/chat/completions", body(), a.key);
        HttpResponse<String> second = b.post("/v1/chat/completions", body(), a.key); // same store: same account
        assertThat(first.headers().firstValue("x-tollgate-cache")).hasValue("miss");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-tollgate-cache")).hasValue("hit");
        assertThat(second.body()).contains("Hello from fake");
        assertThat(upstream.calls("ok")).isEqualTo(1);
        assertThat(b.gateway.cache().storeKind()).isEqualTo("redis");

        // another account on the other replica: never shared
        HttpResponse<String> other = b.post("/v1/chat/completions", body(), b.key);
        assertThat(other.headers().firstValue("x-tollgate-cache")).hasValue("miss");
        assertThat(upstream.calls("ok")).isEqualTo(2);
    }

    @Test
    void aStreamStoredByOneReplicaIsReplayedWithTheSameTextByTheOther() throws Exception {
        String streamed = body().replace("}],", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true},");
        HttpResponse<String> first = a.post("/v1/chat/completions", streamed, a.key);
        HttpResponse<String> second = b.post("/v1/chat/completions", streamed, a.key);
        assertThat(second.headers().firstValue("x-tollgate-cache")).hasValue("hit");
        assertThat(ResponseCacheTest.text(second.body())).isEqualTo(ResponseCacheTest.text(first.body())).isEqualTo("Hello from fake");
        assertThat(second.body()).endsWith("data: [DONE]\n\n");
        assertThat(upstream.calls("ok")).isEqualTo(1);
    }

    @Test
    void anEntryExpiresOnEveryReplicaAfterItsTtl() {
        a.post("/v1/chat/completions", body(), a.key);
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            var keys = c.sync().keys(prefix + "*");
            assertThat(keys).hasSize(1);
            assertThat(c.sync().pttl(keys.get(0))).as("Redis drops it by itself too").isBetween(1L, 60_000L);
        } finally {
            client.shutdown();
        }
        clock.advance(java.time.Duration.ofSeconds(59));
        assertThat(b.post("/v1/chat/completions", body(), a.key).headers().firstValue("x-tollgate-cache")).hasValue("hit");
        clock.advance(java.time.Duration.ofSeconds(1));
        assertThat(b.post("/v1/chat/completions", body(), a.key).headers().firstValue("x-tollgate-cache")).hasValue("miss");
        assertThat(upstream.calls("ok")).isEqualTo(2);
    }

    @Test
    void withRedisUnreachableTheCacheFailsOpen() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (ResponseCache down = ResponseCache.create(dev.tollgate.config.CacheConfig.DEFAULTS, "redis://127.0.0.1:1",
                java.time.Clock.systemUTC(), metrics)) {
            down.store("k", 60, "fake", "ok", 10, dev.tollgate.metering.Usage.of(1, 1),
                    dev.tollgate.json.Json.object().put("id", "x"), null, null);
            assertThat(down.lookup("acct", "k")).isNull();
            assertThat(metrics.get("tollgate.cache.redis.failures").counter().count()).isEqualTo(2);
            assertThat(down.stats().account("acct").misses()).isEqualTo(1);
        }
    }
}
