package dev.tollgate.limits.quota;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.Dialect;
import java.time.Duration;

/**
 * How a {@link Quotas} runs. {@code reservationTtlMs}: an open reservation is released after this
 * (the ledger's {@code credits.hold_ttl_ms}, so a request's credit hold and quota reservation expire
 * together). {@code flushIntervalMs}: how often settled usage is written to {@code quota_usage} (a
 * crash loses at most this long of settles from the table: an under-count). {@code redisUrl}: null
 * for the local store. {@code redisKeyPrefix}: Redis keys start with it (tests use a unique one).
 * {@code leasedReplica}: the id of this process's replica lease (the ledger's, with credit slices on), recorded on
 * the database store's reservations so that they are released once that lease lapses; null without a lease.
 * {@code redisLeaseMs}: the Redis store's own lease (0: none): a reservation expires this long after the last renewal
 * by its replica (which renews its open ones, up to the TTL), so a dead replica's holds go within a lease.
 */
public record QuotaOptions(Store store, long reservationTtlMs, long flushIntervalMs, int pendingCountersMax,
                           String redisUrl, String redisKeyPrefix, Duration redisTimeout, String leasedReplica,
                           long redisLeaseMs) {
    /**
     * Where the live counters are. LOCAL: this process (one replica). DATABASE: rows of the store
     * under row locks (several replicas without Redis; a durable transaction per reserve and per
     * settle). REDIS: shared through Redis (several replicas; two round trips per request).
     */
    public enum Store { LOCAL, DATABASE, REDIS }

    public static final String KEY_PREFIX = "tollgate:quota:";
    public static final long FLUSH_INTERVAL_MS = 100;
    /** Distinct counters waiting for the table before a settle writes them itself (backpressure). */
    public static final int PENDING_COUNTERS_MAX = 10_000;
    public static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    public QuotaOptions {
        if (store == Store.REDIS && (redisUrl == null || redisUrl.isBlank())) {
            throw new IllegalArgumentException("the Redis quota store needs a Redis URL");
        }
        if (reservationTtlMs < 1) throw new IllegalArgumentException("reservationTtlMs must be >= 1");
        if (flushIntervalMs < 1) throw new IllegalArgumentException("flushIntervalMs must be >= 1");
        if (pendingCountersMax < 1) throw new IllegalArgumentException("pendingCountersMax must be >= 1");
        if (redisLeaseMs != 0 && redisLeaseMs < 1_000) throw new IllegalArgumentException("redisLeaseMs must be 0 or >= 1000");
    }

    /**
     * Redis when {@code redis:} is configured; else the database store on PostgreSQL (the store of
     * deployments with several replicas: exact across them); else local (SQLite: one process).
     */
    public static QuotaOptions from(TollgateConfig config, Dialect dialect) {
        QuotaOptions local = local(config.credits().holdTtlMs());
        if (config.redis() != null && !config.redis().isBlank()) {
            return local.withRedis(config.redis(), KEY_PREFIX).withRedisTimeout(Duration.ofMillis(config.limits().redisTimeoutMs()))
                    .withRedisLease(config.credits().replicaLeaseMs());
        }
        if (dialect == Dialect.POSTGRES) return local.withStore(Store.DATABASE);
        return local;
    }

    /** In-process counters with the given TTL. */
    public static QuotaOptions local(long reservationTtlMs) {
        return new QuotaOptions(Store.LOCAL, reservationTtlMs, FLUSH_INTERVAL_MS, PENDING_COUNTERS_MAX, null, KEY_PREFIX,
                REDIS_TIMEOUT, null, 0);
    }

    public QuotaOptions withStore(Store kind) {
        return new QuotaOptions(kind, reservationTtlMs, flushIntervalMs, pendingCountersMax, redisUrl, redisKeyPrefix, redisTimeout,
                leasedReplica, redisLeaseMs);
    }

    /** The Redis store on {@code url}, keys under {@code keyPrefix}. */
    public QuotaOptions withRedis(String url, String keyPrefix) {
        return new QuotaOptions(Store.REDIS, reservationTtlMs, flushIntervalMs, pendingCountersMax, url, keyPrefix, redisTimeout,
                leasedReplica, redisLeaseMs);
    }

    public QuotaOptions withRedisTimeout(Duration timeout) {
        return new QuotaOptions(store, reservationTtlMs, flushIntervalMs, pendingCountersMax, redisUrl, redisKeyPrefix, timeout,
                leasedReplica, redisLeaseMs);
    }

    /** Reservations in the database store carry this replica id (null: none; see {@code leasedReplica}). */
    public QuotaOptions withLeasedReplica(String replica) {
        return new QuotaOptions(store, reservationTtlMs, flushIntervalMs, pendingCountersMax, redisUrl, redisKeyPrefix, redisTimeout,
                replica, redisLeaseMs);
    }

    /** Redis reservations held by a lease of {@code leaseMs} that their replica renews (0: the TTL only). */
    public QuotaOptions withRedisLease(long leaseMs) {
        return new QuotaOptions(store, reservationTtlMs, flushIntervalMs, pendingCountersMax, redisUrl, redisKeyPrefix, redisTimeout,
                leasedReplica, leaseMs);
    }
}
