package dev.tollgate.limits.quota;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Checks a settle's actual usage against the claims, and tells the listener; shared by both stores. */
final class Actuals {
    private static final Logger LOG = Logger.getLogger(Actuals.class.getName());

    private Actuals() {}

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
