package dev.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.account.LimitOverrides;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis buckets alone (127.0.0.1:6379, a unique key prefix per run): all-or-nothing across checks, parallel
 * slots that a live replica keeps renewing and that expire when their replica dies, and failing open (counted)
 * when Redis is unreachable.
 */
class RedisRateLimitsTest {
    static final String REDIS = "redis://127.0.0.1:6379";

    @TempDir
    Path dir;

    static RedisRateLimits limits(String prefix, long leaseMs, SimpleMeterRegistry metrics) {
        return new RedisRateLimits(REDIS, prefix, leaseMs, Duration.ofMillis(500), metrics, Clock.systemUTC());
    }

    static String prefix() {
        return "test:limits:" + UUID.randomUUID() + ":";
    }

    @Test
    void aRefusedCheckTakesNothingFromTheOthers() {
        try (RedisRateLimits redis = limits(prefix(), 5_000, new SimpleMeterRegistry())) {
            RateCheck rpm = new RateCheck(RateCheck.Kind.RPM, "key:k", 10, 1);
            RateCheck tpm = new RateCheck(RateCheck.Kind.TPM, "key:k", 100, 60);
            RateLimits.Taken first = redis.take(List.of(rpm, tpm), "a");
            assertThat(first.admitted()).isTrue();
            assertThat(first.remaining()).containsExactly(9, 40);
            RateLimits.Taken second = redis.take(List.of(rpm, tpm), "b");
            assertThat(second.admitted()).isFalse();
            assertThat(second.refused()).isEqualTo(1);
            assertThat(second.retryAfterMs()).isBetween(1L, 12_000L); // 20 tokens at 100 per minute
            redis.finish(List.of(rpm, tpm), "a", 50); // used 10 of 60: 50 back
            RateLimits.Taken third = redis.take(List.of(rpm, tpm), "c");
            assertThat(third.admitted()).isTrue();
            assertThat(third.remaining()[0]).as("the refused request took no rpm").isEqualTo(8);
            assertThat(third.remaining()[1]).isBetween(30L, 31L);
        }
    }

    /**
     * A finish is sent without waiting for its answer; the next take on the same connection must still see it. CI
     * caught it not doing so on a freshly started Redis: the finish's EVALSHA came back NOSCRIPT and was resent as EVAL
     * after the take had already gone out.
     */
    @Test
    void aFinishIsSeenByTheNextTakeOnARedisThatHasNoScriptsLoaded() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(REDIS);
        try (var admin = client.connect()) {
            admin.sync().scriptFlush();
        } finally {
            client.shutdown();
        }
        try (RedisRateLimits redis = limits(prefix(), 5_000, new SimpleMeterRegistry())) {
            RateCheck slot = new RateCheck(RateCheck.Kind.PARALLEL, "account:a", 1, 1);
            RateCheck tpm = new RateCheck(RateCheck.Kind.TPM, "key:k", 100, 90);
            for (int i = 0; i < 5; i++) {
                assertThat(redis.take(List.of(slot, tpm), "r" + i).admitted()).as("request %d", i).isTrue();
                redis.finish(List.of(slot, tpm), "r" + i, 90); // the slot free and every token back, not awaited
            }
        }
    }

    @Test
    void aSlotHeldByALiveReplicaIsRenewedAndOneOfADeadReplicaExpires() throws Exception {
        String prefix = prefix();
        RateCheck slot = new RateCheck(RateCheck.Kind.PARALLEL, "account:a", 1, 1);
        try (RedisRateLimits other = limits(prefix, 1_000, new SimpleMeterRegistry())) {
            RedisRateLimits live = limits(prefix, 1_000, new SimpleMeterRegistry());
            assertThat(live.take(List.of(slot), "held").admitted()).isTrue();
            Thread.sleep(1_500); // past the lease: only the renewals keep it
            assertThat(other.take(List.of(slot), "x").admitted()).as("renewed by its live replica").isFalse();

            live.close(); // the replica dies without finishing the request: no more renewals
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            boolean taken;
            while (!(taken = other.take(List.of(slot), "y").admitted()) && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(taken).as("the dead replica's slot expired").isTrue();
            other.finish(List.of(slot), "y", 0);
            assertThat(other.take(List.of(slot), "z").admitted()).as("finish frees the slot at once").isTrue();
        }
    }

    @Test
    void whenRedisIsDownTheGatewayAdmitsCountsAndLogsOncePerOutage() throws Exception {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(RedisRateLimits.class.getName());
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) warnings.add(r);
            }

            @Override public void flush() {}

            @Override public void close() {}
        };
        log.addHandler(capture);
        try (FakeOpenAi upstream = new FakeOpenAi();
             TestGateway gw = TestGateway.start(dir, "redis: redis://127.0.0.1:1\n" + TestGateway.openAiConfig("ok"),
                     upstream.baseUrl())) {
            String key = gw.gateway.accounts().createKeyWithLimits(gw.accountId, "k",
                    new LimitOverrides(1, null, 1, null), null).secret();
            for (int i = 0; i < 3; i++) {
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), key).statusCode())
                        .as("over rpm 1: admitted, fail open").isEqualTo(200);
            }
            assertThat(gw.get("/metrics", null).body())
                    .containsPattern("tollgate_limits_redis_failures_total(\\{[^}]*\\})? ([3-9]|\\d\\d)");
            assertThat(warnings).as("one warning for the outage, not one per request").hasSize(1);
            assertThat(warnings.get(0).getMessage()).contains("fail open");
        } finally {
            log.removeHandler(capture);
        }
    }
}
