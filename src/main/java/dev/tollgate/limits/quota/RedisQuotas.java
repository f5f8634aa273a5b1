package dev.tollgate.limits.quota;

import dev.tollgate.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/** Placeholder while the Redis store is written: behaves as the local store. */
final class RedisQuotas implements Quotas {
    private final LocalQuotas local;

    RedisQuotas(Database db, Clock clock, MeterRegistry metrics, UsageListener listener, QuotaOptions options) {
        this.local = new LocalQuotas(db, clock, metrics, listener, options);
    }

    @Override public QuotaResult reserve(String id, List<Claim> claims) { return local.reserve(id, claims); }
    @Override public Map<Counter, Long> used(List<Counter> counters) { return local.used(counters); }
    @Override public void reset(String scope, String subject, String reason) { local.reset(scope, subject, reason); }
    @Override public YearMonth period() { return local.period(); }
    @Override public Instant periodEnd() { return local.periodEnd(); }
    @Override public void close() { local.close(); }
}
