package dev.tollgate.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    final TestClock clock = new TestClock();
    final CircuitBreaker breaker = new CircuitBreaker(3, 30_000, clock);

    void fail(int times) {
        for (int i = 0; i < times; i++) breaker.tryAcquire().failure();
    }

    @Test
    void opensAfterThresholdConsecutiveRetryableFailures() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).as("open: refused").isNull();
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        fail(2);
        breaker.tryAcquire().success();
        fail(2);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void nonRetryableFailuresDoNotCount() {
        for (int i = 0; i < 10; i++) breaker.tryAcquire().neutral();
        fail(2);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.consecutiveFailures()).isEqualTo(2);
    }

    @Test
    void afterOpenMsExactlyOneProbeIsLetThroughAndItsSuccessCloses() {
        fail(3);
        clock.advance(Duration.ofMillis(29_999));
        assertThat(breaker.tryAcquire()).as("still open").isNull();
        clock.advance(Duration.ofMillis(1));
        CircuitBreaker.Permit probe = breaker.tryAcquire();
        assertThat(probe).isNotNull();
        assertThat(probe.probe()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("a second caller while the probe is out").isNull();
        probe.success();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isNotNull();
        assertThat(breaker.tryAcquire()).as("closed: everyone passes").isNotNull();
    }

    @Test
    void aFailedProbeReopensForAnotherOpenMs() {
        fail(3);
        clock.advance(Duration.ofSeconds(30));
        breaker.tryAcquire().failure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofMillis(29_999));
        assertThat(breaker.tryAcquire()).isNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(breaker.tryAcquire()).isNotNull();
    }

    @Test
    void anAbandonedProbeGivesTheSlotBackAndAPermitResolvesOnce() {
        fail(3);
        clock.advance(Duration.ofSeconds(30));
        CircuitBreaker.Permit probe = breaker.tryAcquire();
        probe.abandon();
        probe.failure(); // ignored: already resolved
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        CircuitBreaker.Permit next = breaker.tryAcquire();
        assertThat(next).isNotNull();
        next.neutral(); // the deployment answered, if only with a 4xx
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void concurrentCallersAfterOpenMsGetExactlyOneProbe() throws Exception {
        fail(3);
        clock.advance(Duration.ofSeconds(30));
        int callers = 32;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < callers; i++) {
                pool.submit(() -> {
                    go.await();
                    if (breaker.tryAcquire() != null) admitted.incrementAndGet();
                    return null;
                });
            }
            go.countDown();
        }
        assertThat(admitted.get()).isEqualTo(1);
    }
}
