package dev.tollgate.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * This process's answers in Caffeine: bounded by the bytes of their wire form, each entry with its own TTL, time
 * read from the gateway's {@link Clock} (a test moves it past a TTL instead of sleeping).
 */
final class LocalCacheStore implements CacheStore {
    private record Entry(CachedAnswer answer, int bytes, long ttlMs) {}

    private final Cache<String, Entry> entries;

    LocalCacheStore(long maxBytes, Clock clock) {
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.entries = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumWeight(maxBytes)
                .weigher((String k, Entry e) -> e.bytes() + k.length())
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry e, long now) {
                        return TimeUnit.MILLISECONDS.toNanos(e.ttlMs());
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry e, long now, long currentDuration) {
                        return TimeUnit.MILLISECONDS.toNanos(e.ttlMs());
                    }

                    @Override
                    public long expireAfterRead(String key, Entry e, long now, long currentDuration) {
                        return currentDuration; // reading does not extend a TTL
                    }
                })
                .executor(Runnable::run) // evict on the caller's thread: no background pool to leak per gateway
                .build();
    }

    @Override
    public CachedAnswer get(String key) {
        Entry e = entries.getIfPresent(key);
        return e == null ? null : e.answer();
    }

    @Override
    public void put(String key, CachedAnswer answer, byte[] encoded, long ttlMs) {
        entries.put(key, new Entry(answer, encoded.length, ttlMs));
    }

    @Override
    public String kind() { return "local"; }

    @Override
    public void close() {
        entries.invalidateAll();
    }
}
