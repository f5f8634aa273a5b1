package dev.tollgate.cache;

import dev.tollgate.store.RedisConnector;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers shared by every replica: one Redis string per key ({@code SET … PX ttl}), the entry's wire form as
 * the value. Redis bounds memory itself ({@code maxmemory}; docs/caching.md). When Redis cannot be reached the
 * cache <em>fails open</em>: a lookup is a miss and a store is skipped, both counted in
 * {@code tollgate.cache.redis.failures} — a cache outage costs money, never an answer.
 */
final class RedisCacheStore implements CacheStore {
    private static final Logger LOG = Logger.getLogger(RedisCacheStore.class.getName());
    private static final long WARN_EVERY_MS = 10_000;
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisConnector<byte[]> redis;
    private final String keyPrefix;
    private final Clock clock;
    private final Counter failures;
    private long nextWarnMs;

    RedisCacheStore(String url, String keyPrefix, Duration commandTimeout, MeterRegistry metrics, Clock clock) {
        this.redis = new RedisConnector<>(url, commandTimeout, CODEC, clock::millis);
        this.keyPrefix = keyPrefix;
        this.clock = clock;
        this.failures = Counter.builder("tollgate.cache.redis.failures")
                .description("cache lookups and stores that could not reach Redis (a lookup counts as a miss)")
                .register(metrics);
    }

    @Override
    public CachedAnswer get(String key) {
        try {
            StatefulRedisConnection<String, byte[]> c = redis.connection();
            if (c == null) return failed(null);
            byte[] v = c.sync().get(keyPrefix + key);
            return v == null ? null : CachedAnswer.decode(v);
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    @Override
    public void put(String key, CachedAnswer answer, byte[] encoded, long ttlMs) {
        try {
            StatefulRedisConnection<String, byte[]> c = redis.connection();
            if (c == null) {
                failed(null);
                return;
            }
            c.sync().set(keyPrefix + key, encoded, SetArgs.Builder.px(ttlMs));
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public String kind() { return "redis"; }

    private CachedAnswer failed(RuntimeException e) {
        failures.increment();
        boolean warn;
        synchronized (this) {
            long now = clock.millis();
            warn = now >= nextWarnMs;
            if (warn) nextWarnMs = now + WARN_EVERY_MS;
        }
        if (warn) {
            LOG.log(Level.WARNING, "Redis unreachable for the response cache; answering from providers (fail open)"
                    + (e == null ? "" : ": " + e.getMessage()));
        }
        return null;
    }

    @Override
    public void close() {
        redis.close();
    }
}
