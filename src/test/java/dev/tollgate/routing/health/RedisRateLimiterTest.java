package dev.tollgate.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Needs Redis on 127.0.0.1:6379; every run uses its own key prefix. */
class RedisRateLimiterTest {
    final String prefix = "tollgate-test:" + UUID.randomUUID() + ":";
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @Test
    void twoLimitersOnOneRedisShareTheBudget() {
        try (RedisRateLimiter a = new RedisRateLimiter("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2), metrics, new TestClock());
             RedisRateLimiter b = new RedisRateLimiter("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2), metrics, new TestClock())) {
            assertThat(a.headroom("p", 3)).isEqualTo(3);
            assertThat(a.tryAcquire("p", 3)).isEqualTo(RateLimiter.Decision.allow(2));
            assertThat(b.tryAcquire("p", 3)).isEqualTo(RateLimiter.Decision.allow(1));
            assertThat(a.tryAcquire("p", 3)).isEqualTo(RateLimiter.Decision.allow(0));
            RateLimiter.Decision refused = b.tryAcquire("p", 3);
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.retryAfterMs()).isBetween(15_000L, 20_001L); // one permit per 20 s at 3 rpm
            assertThat(a.headroom("p", 3)).isZero();
            assertThat(metrics.counter("tollgate.provider.rpm.redis.failures").count()).isZero();
        }
    }

    @Test
    void unreachableRedisFailsOpenAndIsCounted() {
        try (RedisRateLimiter down = new RedisRateLimiter("redis://127.0.0.1:1", prefix, Duration.ofMillis(200), metrics, new TestClock())) {
            for (int i = 0; i < 3; i++) assertThat(down.tryAcquire("p", 1).allowed()).isTrue();
            assertThat(down.headroom("p", 1)).isEqualTo(-1);
            assertThat(metrics.counter("tollgate.provider.rpm.redis.failures").count()).isEqualTo(4);
        }
    }
}
