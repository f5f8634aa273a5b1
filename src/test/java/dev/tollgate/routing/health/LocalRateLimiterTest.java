package dev.tollgate.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
    final TestClock clock = new TestClock();
    final LocalRateLimiter limiter = new LocalRateLimiter(clock);

    @Test
    void rpmPermitsThenRefusalWithRetryAfterThenRefillOnTheClock() {
        assertThat(limiter.tryAcquire("p", 2)).isEqualTo(RateLimiter.Decision.allow(1));
        assertThat(limiter.tryAcquire("p", 2)).isEqualTo(RateLimiter.Decision.allow(0));
        RateLimiter.Decision refused = limiter.tryAcquire("p", 2);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMs()).isBetween(29_000L, 30_001L); // one permit per 30 s at 2 rpm
        assertThat(limiter.headroom("p", 2)).isZero();
        assertThat(limiter.tryAcquire("other", 2).allowed()).as("providers are independent").isTrue();
        clock.advance(Duration.ofSeconds(30));
        assertThat(limiter.tryAcquire("p", 2).allowed()).isTrue();
        assertThat(limiter.tryAcquire("p", 2).allowed()).isFalse();
    }
}
