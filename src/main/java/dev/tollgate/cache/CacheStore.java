package dev.tollgate.cache;

/** Where answers are kept: in this process ({@link LocalCacheStore}) or in Redis for every replica. */
interface CacheStore extends AutoCloseable {
    /** The entry, or null (absent, expired, or the store failed: a failure is a miss, never an error). */
    CachedAnswer get(String key);

    /** Keeps {@code answer} for {@code ttlMs}; {@code encoded} is its wire form (already measured). Never throws. */
    void put(String key, CachedAnswer answer, byte[] encoded, long ttlMs);

    String kind();

    @Override
    void close();
}
