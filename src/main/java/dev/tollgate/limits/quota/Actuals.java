package dev.tollgate.limits.quota;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Checks claims and a settle's actual usage, and tells the listener; shared by the stores. */
final class Actuals {
    private static final Logger LOG = Logger.getLogger(Actuals.class.getName());

    private Actuals() {}

    /**
     * Whether {@code claim} fits beside {@code used} + {@code held}: a zero amount always does; else
     * used + held + amount ≤ limit, written so that no sum can overflow (limits near Long.MAX_VALUE
     * mean "unlimited" to some callers).
     */
    static boolean fits(Claim claim, long used, long held) {
        if (claim.amount() == 0) return true;
        long taken = used + held;
        return taken >= 0 && claim.amount() <= claim.limit() - taken;
    }

    /**
     * Each counter at most once per reservation: two claims on one counter would each be checked
     * alone and together pass the limit.
     *
     * @throws IllegalArgumentException a counter claimed twice
     */
    static void distinct(List<Claim> claims) {
        for (int i = 1; i < claims.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (claims.get(i).counter().equals(claims.get(j).counter())) {
                    throw new IllegalArgumentException("counter claimed twice in one reservation: " + claims.get(i).counter());
                }
            }
        }
    }

    /**
     * The actual amount of each claim, in claim order (0 when absent from {@code actual}).
     *
     * @throws IllegalArgumentException a counter that was not claimed, or a negative or null amount
     */
    static long[] of(List<Claim> claims, Map<Counter, Long> actual) {
        long[] out = new long[claims.size()];
        int found = 0;
        for (int i = 0; i < claims.size(); i++) {
            Counter c = claims.get(i).counter();
            if (!actual.containsKey(c)) continue;
            Long v = actual.get(c);
            if (v == null || v < 0) throw new IllegalArgumentException("actual usage of " + c + " must be >= 0: " + v);
            out[i] = v;
            found++;
        }
        if (found != actual.size()) {
            throw new IllegalArgumentException("settle names counters that were not claimed: " + actual.keySet());
        }
        return out;
    }

    /** The listener must not block; an exception from it is logged, never thrown into the request. */
    static void tell(UsageListener listener, Claim claim, long used, YearMonth period) {
        try {
            listener.observed(claim.counter(), used, claim.limit(), period);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quota usage listener failed for " + claim.counter(), e);
        }
    }
}
