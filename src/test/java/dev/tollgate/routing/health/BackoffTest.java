package dev.tollgate.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    final Backoff backoff = new Backoff(new TollgateConfig.Retries(5, 100, 1_000), new SplittableRandom(42));

    @Test
    void exponentialWithEqualJitterAndCapped() {
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delayMs(1, 0)).isBetween(50L, 100L);
            assertThat(backoff.delayMs(2, 0)).isBetween(100L, 200L);
            assertThat(backoff.delayMs(3, 0)).isBetween(200L, 400L);
            assertThat(backoff.delayMs(5, 0)).isBetween(500L, 1_000L); // 1600 capped at 1000
            assertThat(backoff.delayMs(60, 0)).isBetween(500L, 1_000L);
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) seen.add(backoff.delayMs(3, 0));
        assertThat(seen.size()).isGreaterThan(10);
    }

    @Test
    void retryAfterWithinTheCapIsHonouredAndBeyondItMeansDoNotRetryHere() {
        assertThat(backoff.delayMs(1, 700)).isEqualTo(700);
        assertThat(backoff.delayMs(1, 1_000)).isEqualTo(1_000);
        assertThat(backoff.delayMs(1, 1_001)).isEqualTo(-1);
    }
}
