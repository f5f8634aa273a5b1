package dev.tollgate.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-process buckets (no {@code redis:} configured). rpm and tpm: one Bucket4j token bucket per
 * (subject, kind, limit), {@code limit} deep, refilled greedily at {@code limit} per minute, on the injected
 * clock. The limit is part of the bucket's name, so an admin PATCH of a limit starts a fresh bucket. Buckets
 * live in a bounded Caffeine map and expire after {@value #IDLE_MINUTES} idle minutes, by which time they were
 * full again anyway. Parallel: a counter per subject, removed when it drops to zero.
 */
public final class LocalRateLimits implements RateLimits {
    private static final int IDLE_MINUTES = 2;
    private static final long BUCKETS_MAX = 1_000_000;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(BUCKETS_MAX).expireAfterAccess(Duration.ofMinutes(IDLE_MINUTES)).build();
    private final ConcurrentMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final TimeMeter time;

    public LocalRateLimits(Clock clock) {
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() { return Math.multiplyExact(clock.millis(), 1_000_000L); }

            @Override
            public boolean isWallClockBased() { return true; }
        };
    }

    @Override
    public Taken take(List<RateCheck> checks, String leaseId) {
        long[] remaining = new long[checks.size()];
        long[] resetMs = new long[checks.size()];
        for (int i = 0; i < checks.size(); i++) {
            RateCheck c = checks.get(i);
            long retryAfterMs = c.kind() == RateCheck.Kind.PARALLEL ? takeSlot(c, remaining, resetMs, i)
                    : takeTokens(c, remaining, resetMs, i);
            if (retryAfterMs != 0) {
                undo(checks.subList(0, i));
                Taken refused = Taken.refused(i, retryAfterMs, checks.size());
                refused.remaining()[i] = 0;
                refused.resetMs()[i] = Math.max(0, retryAfterMs);
                return refused;
            }
        }
        return Taken.admitted(remaining, resetMs);
    }

    /** 0 when taken, else the ms until it would fit (-1: never). */
    private long takeTokens(RateCheck c, long[] remaining, long[] resetMs, int i) {
        if (c.amount() > c.limit()) return -1;
        Bucket bucket = bucket(c);
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(c.amount());
        if (!probe.isConsumed()) return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
        remaining[i] = probe.getRemainingTokens();
        resetMs[i] = (c.limit() - probe.getRemainingTokens()) * (MINUTE_NANOS / c.limit()) / 1_000_000;
        return 0;
    }

    private long takeSlot(RateCheck c, long[] remaining, long[] resetMs, int i) {
        boolean[] taken = {false};
        Integer now = inFlight.compute(c.bucket(), (k, v) -> {
            int held = v == null ? 0 : v;
            if (held >= c.limit()) return v;
            taken[0] = true;
            return held + 1;
        });
        if (!taken[0]) return 1_000; // a slot frees when a request ends: no schedule to predict, try again soon
        remaining[i] = c.limit() - now;
        resetMs[i] = 0;
        return 0;
    }

    @Override
    public void finish(List<RateCheck> checks, String leaseId, long tokensBack) {
        for (RateCheck c : checks) {
            switch (c.kind()) {
                case PARALLEL -> freeSlot(c);
                case TPM -> adjust(c, tokensBack);
                case RPM -> { }
            }
        }
    }

    /** Gives back what {@link #take} took from {@code checks} before one refused. */
    private void undo(List<RateCheck> checks) {
        for (RateCheck c : checks) {
            if (c.kind() == RateCheck.Kind.PARALLEL) freeSlot(c);
            else adjust(c, c.amount());
        }
    }

    private void adjust(RateCheck c, long tokensBack) {
        if (tokensBack > 0) bucket(c).addTokens(tokensBack); // capped at the capacity by Bucket4j
        else if (tokensBack < 0) bucket(c).consumeIgnoringRateLimits(-tokensBack);
    }

    private void freeSlot(RateCheck c) {
        inFlight.computeIfPresent(c.bucket(), (k, v) -> v <= 1 ? null : v - 1);
    }

    /** Requests in flight for {@code subject} (tests and the bench). */
    int inFlight(String bucket) {
        return inFlight.getOrDefault(bucket, 0);
    }

    private Bucket bucket(RateCheck c) {
        return buckets.get(c.bucket() + ":" + c.limit(), k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(c.limit()).refillGreedy(c.limit(), Duration.ofMinutes(1)))
                .withCustomTimePrecision(time)
                .build());
    }

    @Override
    public String kind() { return "local"; }

    @Override
    public void close() {}
}
