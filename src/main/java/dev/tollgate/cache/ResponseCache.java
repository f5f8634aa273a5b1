package dev.tollgate.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.CacheConfig;
import dev.tollgate.config.Limits;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;

/**
 * The exact response cache (docs/caching.md): what a request asks for, its key, the store (Caffeine here, or Redis
 * shared by every replica) and the statistics. Knows nothing of HTTP responses or the ledger: the chat pipeline's
 * cache step ({@code api/CacheStep}) replays and charges a hit.
 */
public final class ResponseCache implements AutoCloseable {
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofMillis(250);

    private final CacheConfig config;
    private final CacheStore store;
    private final CacheStats stats;
    private final Clock clock;

    ResponseCache(CacheConfig config, CacheStore store, CacheStats stats, Clock clock) {
        this.config = config;
        this.store = store;
        this.stats = stats;
        this.clock = clock;
    }

    /** Local (Caffeine) when {@code redisUrl} is null or blank, else Redis under the config's key prefix. */
    public static ResponseCache create(CacheConfig config, String redisUrl, Clock clock, MeterRegistry metrics) {
        CacheStore store = redisUrl == null || redisUrl.isBlank()
                ? new LocalCacheStore(config.maxBytes(), clock)
                : new RedisCacheStore(redisUrl, config.keyPrefix(), REDIS_COMMAND_TIMEOUT, metrics, clock);
        return new ResponseCache(config, store, new CacheStats(metrics), clock);
    }

    /** What this request asks (see {@link CacheAsk#parse}); takes the {@code cache} field out of {@code body}. */
    public CacheAsk ask(ObjectNode body, String ttlHeader, String directive, Limits.Plan plan) {
        boolean allowed = plan == null || plan.features().cache();
        return CacheAsk.parse(body, ttlHeader, directive, allowed, config.defaultTtlS(plan == null ? null : plan.name()),
                config.maxTtlS());
    }

    /** The stored answer for {@code key}, or null; counted as a hit or a miss. */
    public CachedAnswer lookup(String accountId, String key) {
        CachedAnswer a = store.get(key);
        if (a != null && a.expiresMs() <= clock.millis()) a = null; // the gateway's clock decides, in every store
        if (a == null) stats.miss(accountId);
        return a;
    }

    /** Records a hit that was answered and charged {@code chargedMicros}. */
    public void served(String accountId, CachedAnswer a, long chargedMicros) {
        stats.hit(accountId, a.usage().totalTokens(), Math.max(0, a.costMicros() - chargedMicros), chargedMicros);
    }

    public void bypassed(String accountId) { stats.bypass(accountId); }

    /** A stored answer that cannot serve this request (stored chunks, a plain request) counts as a miss. */
    public void unusable(String accountId) { stats.miss(accountId); }

    /** Keeps a complete, successful answer for {@code ttlS}; skipped when it is larger than {@code max_entry_bytes}. */
    public void store(String key, long ttlS, String provider, String model, long costMicros, dev.tollgate.metering.Usage usage,
                      ObjectNode completion, java.util.List<String> chunks, String usageChunk) {
        long now = clock.millis();
        CachedAnswer a = new CachedAnswer(now, now + ttlS * 1000, provider, model, costMicros, usage, completion,
                chunks, usageChunk);
        byte[] encoded = a.encode();
        if (encoded.length > config.maxEntryBytes()) return;
        store.put(key, a, encoded, ttlS * 1000);
        stats.stored();
    }

    /** ceil(hit_price × original cost) µcr. */
    public long hitMicros(long originalMicros) {
        if (config.hitPrice().signum() == 0) return 0;
        return config.hitPrice().multiply(BigDecimal.valueOf(originalMicros)).setScale(0, RoundingMode.CEILING)
                .longValueExact();
    }

    public long maxEntryBytes() { return config.maxEntryBytes(); }

    public long nowMs() { return clock.millis(); }

    public CacheStats stats() { return stats; }

    public String storeKind() { return store.kind(); }

    @Override
    public void close() {
        store.close();
    }
}
