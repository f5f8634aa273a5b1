package dev.tollgate.routing.health;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-process rpm limit (no {@code redis:} configured): one Bucket4j token bucket per provider,
 * {@code rpm} tokens deep, refilled greedily at {@code rpm} per minute, reading time from the
 * injected clock so tests can move it.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;

    public LocalRateLimiter(Clock clock) {
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() { return Math.multiplyExact(clock.millis(), 1_000_000L); }

            @Override
            public boolean isWallClockBased() { return true; }
        };
    }

    @Override
    public Decision tryAcquire(String provider, int rpm) {
        ConsumptionProbe probe = bucket(provider, rpm).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return Decision.allow(probe.getRemainingTokens());
        return Decision.refuse(Duration.ofNanos(probe.getNanosToWaitForRefill()).toMillis() + 1);
    }

    @Override
    public long headroom(String provider, int rpm) {
        return bucket(provider, rpm).getAvailableTokens();
    }

    @Override
    public String kind() { return "local"; }

    private Bucket bucket(String provider, int rpm) {
        return buckets.computeIfAbsent(provider, p -> Bucket.builder()
                .addLimit(limit -> limit.capacity(rpm).refillGreedy(rpm, Duration.ofMinutes(1)))
                .withCustomTimePrecision(time)
                .build());
    }
}
