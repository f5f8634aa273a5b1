package dev.tollgate.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hits, misses and what hits saved, overall and per account, in this process since it started. Micrometer gets
 * the overall figures only (an account label per tenant would explode the series); the per-account figures are
 * served by {@code GET /v1/cache/stats} and kept for at most {@value #ACCOUNTS_MAX} accounts (least recently
 * active dropped first).
 */
public final class CacheStats {
    static final int ACCOUNTS_MAX = 100_000;

    /** One account's (or everyone's) figures. Tokens saved = prompt + completion tokens no provider was asked for. */
    public static final class Figures {
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder bypasses = new LongAdder();
        final LongAdder tokensSaved = new LongAdder();
        final LongAdder microsSaved = new LongAdder();
        final LongAdder microsCharged = new LongAdder();

        public Snapshot snapshot() {
            return new Snapshot(hits.sum(), misses.sum(), bypasses.sum(), tokensSaved.sum(), microsSaved.sum(),
                    microsCharged.sum());
        }
    }

    /** @param microsSaved original cost − hit cost over all hits; {@code microsCharged}: what the hits were charged */
    public record Snapshot(long hits, long misses, long bypasses, long tokensSaved, long microsSaved, long microsCharged) {
        public double hitRate() {
            long lookups = hits + misses;
            return lookups == 0 ? 0 : (double) hits / lookups;
        }
    }

    private final Figures overall = new Figures();
    private final Cache<String, Figures> accounts = Caffeine.newBuilder().maximumSize(ACCOUNTS_MAX)
            .executor(Runnable::run).build();
    private final Counter hits;
    private final Counter misses;
    private final Counter bypasses;
    private final Counter stores;
    private final Counter tokensSaved;
    private final Counter microsSaved;

    CacheStats(MeterRegistry metrics) {
        this.hits = lookups(metrics, "hit");
        this.misses = lookups(metrics, "miss");
        this.bypasses = lookups(metrics, "bypass");
        this.stores = Counter.builder("tollgate.cache.stores").description("answers stored in the response cache")
                .register(metrics);
        this.tokensSaved = Counter.builder("tollgate.cache.tokens.saved")
                .description("prompt + completion tokens answered from the cache instead of a provider").register(metrics);
        this.microsSaved = Counter.builder("tollgate.cache.saved.micros")
                .description("µcr callers did not pay thanks to cache hits (original cost − hit cost)").register(metrics);
    }

    private static Counter lookups(MeterRegistry metrics, String result) {
        return Counter.builder("tollgate.cache.requests").tag("result", result)
                .description("chat requests by response-cache outcome").register(metrics);
    }

    void hit(String accountId, long tokens, long savedMicros, long chargedMicros) {
        hits.increment();
        tokensSaved.increment(tokens);
        microsSaved.increment(savedMicros);
        for (Figures f : new Figures[] {overall, of(accountId)}) {
            f.hits.increment();
            f.tokensSaved.add(tokens);
            f.microsSaved.add(savedMicros);
            f.microsCharged.add(chargedMicros);
        }
    }

    void miss(String accountId) {
        misses.increment();
        overall.misses.increment();
        of(accountId).misses.increment();
    }

    void bypass(String accountId) {
        bypasses.increment();
        overall.bypasses.increment();
        of(accountId).bypasses.increment();
    }

    void stored() { stores.increment(); }

    public Snapshot overall() { return overall.snapshot(); }

    /** The account's figures (all zero when it never used the cache here). */
    public Snapshot account(String accountId) {
        Figures f = accounts.getIfPresent(accountId);
        return f == null ? new Figures().snapshot() : f.snapshot();
    }

    private Figures of(String accountId) {
        return accounts.get(accountId, id -> new Figures());
    }
}
