package dev.tollgate.routing.health;

import dev.tollgate.config.TollgateConfig;
import java.util.random.RandomGenerator;

/**
 * How long to wait before calling the same deployment again ({@code routing.retries}): exponential
 * from {@code baseBackoffMs}, doubled per failed try and capped at {@code maxBackoffMs}, with "equal
 * jitter" (half fixed, half random) so replicas that failed together do not retry together.
 */
public final class Backoff {
    /** Sleeps; tests pass one that records the delay and returns at once. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long ms) throws InterruptedException;

        Sleeper REAL = Thread::sleep;
    }

    private final TollgateConfig.Retries retries;
    private final RandomGenerator random;

    public Backoff(TollgateConfig.Retries retries, RandomGenerator random) {
        this.retries = retries;
        this.random = random;
    }

    /** Calls per deployment, the first included; at least 1. */
    public int maxAttempts() { return retries.maxAttempts(); }

    public long maxBackoffMs() { return retries.maxBackoffMs(); }

    /**
     * The wait before try {@code failedTries + 1}, in ms, within [0, maxBackoffMs]; or -1 when the
     * provider asked for a longer pause ({@code retryAfterMs}) than we may wait: go to the next candidate.
     */
    public long delayMs(int failedTries, long retryAfterMs) {
        if (failedTries < 1) throw new IllegalArgumentException("failedTries must be >= 1: " + failedTries);
        if (retryAfterMs > retries.maxBackoffMs()) return -1;
        int shift = Math.min(failedTries - 1, 30);
        long exponential = Math.min(retries.maxBackoffMs(), retries.baseBackoffMs() << shift);
        long half = exponential / 2;
        long jittered = exponential - half + (half == 0 ? 0 : random.nextLong(half + 1));
        return Math.max(jittered, retryAfterMs);
    }
}
