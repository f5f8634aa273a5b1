package dev.tollgate.limits.quota;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The meters of a {@link Quotas} (tag {@code store}: local or redis), and the once-per-outage log:
 * the first failure after a success logs a warning, the first success after a failure logs recovery.
 */
final class QuotaMetrics {
    private static final Logger LOG = Logger.getLogger(QuotaMetrics.class.getName());

    private final Counter admitted;
    private final Counter refused;
    private final Counter unavailable;
    private final Counter settled;
    private final Counter released;
    private final Counter expired;
    private final String store;
    private final AtomicBoolean down = new AtomicBoolean();

    QuotaMetrics(MeterRegistry registry, String store) {
        this.store = store;
        this.admitted = count(registry, "tollgate.quota.admitted", "Quota reservations admitted");
        this.refused = count(registry, "tollgate.quota.refused", "Quota reservations refused (a quota or budget is full)");
        this.unavailable = count(registry, "tollgate.quota.unavailable",
                "Admissions refused because the quota store was unreachable (money limits fail closed)");
        this.settled = count(registry, "tollgate.quota.settled", "Quota reservations settled");
        this.released = count(registry, "tollgate.quota.released", "Quota reservations released");
        this.expired = count(registry, "tollgate.quota.expired", "Quota reservations released by expiry (never resolved)");
    }

    private Counter count(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).tag("store", store).register(registry);
    }

    void admitted() {
        admitted.increment();
        up();
    }

    void refused() {
        refused.increment();
        up();
    }

    void settled() { settled.increment(); }

    void released() { released.increment(); }

    void expired(int n) { expired.increment(n); }

    /** An admission refused because the store could not be reached; logged once per outage. */
    void unavailable(Throwable cause) {
        unavailable.increment();
        failed(cause);
    }

    /** A failure to reach the store (any operation): logged once per outage. */
    void failed(Throwable cause) {
        if (down.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "quota store (" + store + ") unreachable: new admissions with quotas or budgets are "
                    + "refused (fail closed) until it answers: " + cause.getMessage());
        }
    }

    /** The store answered. */
    void up() {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("quota store (" + store + ") reachable again: quotas and budgets admit again");
        }
    }
}
