package dev.tollgate.limits;

import java.util.List;

/**
 * The rpm, tpm and parallel buckets: local ({@link LocalRateLimits}) or shared by every replica through
 * Redis ({@link RedisRateLimits}). Both take all the checks of a request at once, all or nothing.
 */
public interface RateLimits extends AutoCloseable {
    /**
     * Takes every check, or none. {@code leaseId} names this request's parallel slots.
     *
     * @return per check the state after taking (admitted), or which check refused and when to retry
     */
    Taken take(List<RateCheck> checks, String leaseId);

    /**
     * After the request: gives {@code tokensBack} to every TPM check (negative takes more, when the actual use
     * exceeded the reservation) and frees the request's parallel slots. Never throws.
     */
    void finish(List<RateCheck> checks, String leaseId, long tokensBack);

    /** "local" or "redis". */
    String kind();

    @Override
    void close();

    /**
     * The answer of {@link #take}. {@code remaining[i]} and {@code resetMs[i]} describe check {@code i} after
     * this request (resetMs: until its bucket is full again); -1 when unknown (Redis unreachable, failed open).
     * When refused, {@code refused} is the index of the first check that did not fit and {@code retryAfterMs}
     * when it will (-1: never, the request alone is larger than the limit).
     */
    record Taken(boolean admitted, int refused, long retryAfterMs, long[] remaining, long[] resetMs) {
        static Taken admitted(long[] remaining, long[] resetMs) {
            return new Taken(true, -1, 0, remaining, resetMs);
        }

        static Taken refused(int index, long retryAfterMs, int checks) {
            long[] unknown = new long[checks];
            java.util.Arrays.fill(unknown, -1);
            return new Taken(false, index, retryAfterMs, unknown, unknown.clone());
        }
    }
}
