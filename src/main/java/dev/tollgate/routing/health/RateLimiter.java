package dev.tollgate.routing.health;

/**
 * A provider's requests-per-minute limit ({@code providers[].rpm}): one permit per upstream call.
 * Implementations are local (one process) or shared through Redis (every replica).
 */
public interface RateLimiter extends AutoCloseable {
    /** Takes one call's permit from {@code provider}'s budget of {@code rpm} calls per minute. */
    Decision tryAcquire(String provider, int rpm);

    /** How many calls {@code provider} could make now, without taking any; -1 when unknown. */
    long headroom(String provider, int rpm);

    /** Where the limit is kept: {@code local} or {@code redis}. */
    String kind();

    @Override
    default void close() {}

    /**
     * {@code retryAfterMs}: when refused, how long until a permit is free (0 when allowed);
     * {@code remaining}: permits left after this one, -1 when unknown (e.g. Redis unreachable).
     */
    record Decision(boolean allowed, long retryAfterMs, long remaining) {
        public static Decision allow(long remaining) { return new Decision(true, 0, remaining); }

        public static Decision refuse(long retryAfterMs) { return new Decision(false, Math.max(1, retryAfterMs), 0); }
    }
}
