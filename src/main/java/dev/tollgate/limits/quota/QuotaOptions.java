package dev.tollgate.limits.quota;

import dev.tollgate.config.TollgateConfig;
import java.time.Duration;

/**
 * How a {@link Quotas} runs. {@code reservationTtlMs}: an open reservation is released after this
 * (the ledger's {@code credits.hold_ttl_ms}, so a request's credit hold and quota reservation expire
 * together). {@code flushIntervalMs}: how often settled usage is written to {@code quota_usage} (a
 * crash loses at most this long of settles from the table: an under-count). {@code redisUrl}: null
 * for the local store. {@code redisKeyPrefix}: Redis keys start with it (tests use a unique one).
 */
public record QuotaOptions(long reservationTtlMs, long flushIntervalMs, int pendingCountersMax,
                           String redisUrl, String redisKeyPrefix, Duration redisTimeout) {
    public static final String KEY_PREFIX = "tollgate:quota:";
    public static final long FLUSH_INTERVAL_MS = 100;
    /** Distinct counters waiting for the table before a settle writes them itself (backpressure). */
    public static final int PENDING_COUNTERS_MAX = 10_000;
    public static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    public QuotaOptions {
        if (reservationTtlMs < 1) throw new IllegalArgumentException("reservationTtlMs must be >= 1");
        if (flushIntervalMs < 1) throw new IllegalArgumentException("flushIntervalMs must be >= 1");
        if (pendingCountersMax < 1) throw new IllegalArgumentException("pendingCountersMax must be >= 1");
    }

    public static QuotaOptions from(TollgateConfig config) {
        return new QuotaOptions(config.credits().holdTtlMs(), FLUSH_INTERVAL_MS, PENDING_COUNTERS_MAX,
                config.redis(), KEY_PREFIX, REDIS_TIMEOUT);
    }

    /** In-process counters with the given TTL. */
    public static QuotaOptions local(long reservationTtlMs) {
        return new QuotaOptions(reservationTtlMs, FLUSH_INTERVAL_MS, PENDING_COUNTERS_MAX, null, KEY_PREFIX, REDIS_TIMEOUT);
    }

    public QuotaOptions withRedis(String url, String keyPrefix) {
        return new QuotaOptions(reservationTtlMs, flushIntervalMs, pendingCountersMax, url, keyPrefix, redisTimeout);
    }

    public QuotaOptions withRedisTimeout(Duration timeout) {
        return new QuotaOptions(reservationTtlMs, flushIntervalMs, pendingCountersMax, redisUrl, redisKeyPrefix, timeout);
    }
}
