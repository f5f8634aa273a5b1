package dev.tollgate.limits.quota;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * Monthly plan quotas and spend budgets as reservations, like credit holds (docs/limits.md
 * "Quotas and budgets"): {@link #reserve} the worst case of every claim at once or none of them,
 * then settle to the actual usage or release. The period is the calendar month in UTC of the
 * injected clock; counters start at zero at 00:00 UTC on the 1st.
 *
 * <p>The table {@code quota_usage} holds the settled usage and survives restarts; the live counters
 * are in this process ({@link LocalQuotas}, exact within one process), in the database under row
 * locks ({@link DatabaseQuotas}, exact across replicas) or in Redis ({@link RedisQuotas}, exact
 * across replicas).
 */
public interface Quotas extends AutoCloseable {
    /**
     * Reserves every claim in the current month, or none. An empty list is admitted at once with no
     * I/O. A reservation never settled or released expires after the reservation TTL.
     *
     * @param reservationId unique per request (the request id); reusing an id is a programmer error
     *                      ({@link IllegalStateException} while it is open, or resolved but not yet expired)
     * @param claims        each counter at most once ({@link IllegalArgumentException} otherwise)
     */
    QuotaResult reserve(String reservationId, List<Claim> claims);

    /** Settled usage of each counter this month (0 when never used); for {@code GET /v1/usage}. */
    Map<Counter, Long> used(List<Counter> counters);

    /**
     * Zeroes this month's settled counters of {@code subject} (open reservations stay), recorded in
     * {@code quota_resets} with {@code reason} and the time.
     */
    void reset(String scope, String subject, String reason);

    /** The current month (UTC). */
    YearMonth period();

    /** When the current month ends and every counter starts again at zero: 00:00 UTC on the 1st. */
    Instant periodEnd();

    @Override
    void close();

    /**
     * The production wiring ({@link QuotaOptions#from}): shared through Redis when {@code redis:} is
     * configured, else through row locks when the store is PostgreSQL, else in this process (SQLite).
     */
    static Quotas create(TollgateConfig config, Database db, Clock clock, MeterRegistry metrics, UsageListener listener,
                         String leasedReplica) {
        return create(db, clock, metrics, listener, QuotaOptions.from(config, db.dialect()).withLeasedReplica(leasedReplica));
    }

    /** As {@link #create(TollgateConfig, Database, Clock, MeterRegistry, UsageListener, String)} with explicit options (tests, bench). */
    static Quotas create(Database db, Clock clock, MeterRegistry metrics, UsageListener listener, QuotaOptions options) {
        return switch (options.store()) {
            case LOCAL -> new LocalQuotas(db, clock, metrics, listener, options);
            case DATABASE -> new DatabaseQuotas(db, clock, metrics, listener, options);
            case REDIS -> new RedisQuotas(db, clock, metrics, listener, options);
        };
    }
}
