package dev.tollgate.limits.quota;

import java.util.Map;

/**
 * An admitted request's hold on its counters. Resolves exactly once: the first {@link #settle} or
 * {@link #release} wins, later calls are no-ops. A reservation never resolved is released by the
 * store after the reservation TTL (a crashed replica leaks nothing).
 */
public interface QuotaReservation {
    /**
     * Replaces the reserved amounts by the actual usage: {@code actual} maps claimed counters to what
     * was used (a claimed counter absent from the map used 0). Actual may exceed the reserved amount
     * (usage above the hold): it is recorded as is, so a counter can pass its limit by that excess only.
     *
     * @throws IllegalArgumentException a counter that was not claimed, or a negative amount (before
     *                                  anything changes)
     */
    void settle(Map<Counter, Long> actual);

    /** Gives the reservation back (the request failed before using anything). Never throws. */
    void release();
}
