package dev.tollgate.limits.quota;

import java.util.Map;

/** The reservation of a request without claims: nothing to settle, nothing to release, no I/O. */
final class NoReservation implements QuotaReservation {
    static final QuotaResult.Admitted ADMITTED = new QuotaResult.Admitted(new NoReservation());

    private NoReservation() {}

    @Override
    public void settle(Map<Counter, Long> actual) {
        if (!actual.isEmpty()) throw new IllegalArgumentException("settle names counters that were not claimed: " + actual.keySet());
    }

    @Override
    public void release() {}
}
