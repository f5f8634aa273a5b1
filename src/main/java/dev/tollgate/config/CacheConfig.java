package dev.tollgate.config;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The optional top-level {@code cache} section and each plan's {@code cache_ttl} (docs/caching.md).
 *
 * @param hitPrice      a hit is charged this fraction of the original answer's cost (0 = free, 1 = full price)
 * @param maxTtlS       the longest TTL a request, plan or default may ask for, in seconds
 * @param maxBytes      the local (Caffeine) store's size bound, in bytes of stored answers
 * @param maxEntryBytes an answer larger than this is not stored (one huge answer must not evict thousands)
 * @param defaultTtlS   the TTL of requests that name none, where no plan says otherwise; 0 = no caching by default
 * @param planTtlS      plan name → default TTL in seconds ({@code plans.NAME.cache_ttl})
 * @param keyPrefix     Redis key prefix of the shared store (tests use one per run)
 * @param breakpoints   automatic Anthropic {@code cache_control} on long system prompts ({@code cache.auto_breakpoint})
 */
public record CacheConfig(BigDecimal hitPrice, long maxTtlS, long maxBytes, long maxEntryBytes, long defaultTtlS,
                          Map<String, Long> planTtlS, String keyPrefix, PromptBreakpoints breakpoints) {
    public static final CacheConfig DEFAULTS = new CacheConfig(BigDecimal.ZERO, 86_400, 64L << 20, 1L << 20, 0,
            Map.of(), "tollgate:cache:");

    /** Without automatic breakpoints. */
    public CacheConfig(BigDecimal hitPrice, long maxTtlS, long maxBytes, long maxEntryBytes, long defaultTtlS,
                       Map<String, Long> planTtlS, String keyPrefix) {
        this(hitPrice, maxTtlS, maxBytes, maxEntryBytes, defaultTtlS, planTtlS, keyPrefix, PromptBreakpoints.OFF);
    }
    private static final long MAX_TTL_CEILING_S = 30L * 86_400;

    /** The default TTL of a request under {@code plan} (null: no plan): the plan's, else the section's. */
    public long defaultTtlS(String plan) {
        Long t = plan == null ? null : planTtlS.get(plan);
        return t != null ? t : defaultTtlS;
    }

    static CacheConfig parse(ConfigNode root) {
        CacheConfig d = DEFAULTS;
        BigDecimal hitPrice = d.hitPrice;
        long maxTtlS = d.maxTtlS, maxBytes = d.maxBytes, maxEntryBytes = d.maxEntryBytes, defaultTtlS = d.defaultTtlS;
        String prefix = d.keyPrefix;
        PromptBreakpoints breakpoints = PromptBreakpoints.OFF;
        if (root.has("cache")) {
            ConfigNode c = root.child("cache");
            c.requireObject();
            c.allowOnly(Set.of("hit_price", "max_ttl_s", "max_bytes", "max_entry_bytes", "default_ttl_s", "key_prefix",
                    "auto_breakpoint"));
            if (c.has("hit_price")) {
                hitPrice = c.child("hit_price").decimal();
                if (hitPrice.compareTo(BigDecimal.ONE) > 0) {
                    throw c.child("hit_price").error("must be from 0 to 1 (a fraction of the original cost)");
                }
            }
            maxTtlS = c.longValue("max_ttl_s", maxTtlS, 1);
            if (maxTtlS > MAX_TTL_CEILING_S) throw c.child("max_ttl_s").error("must be at most " + MAX_TTL_CEILING_S + " (30 days)");
            maxBytes = c.longValue("max_bytes", maxBytes, 1024);
            maxEntryBytes = c.longValue("max_entry_bytes", maxEntryBytes, 1024);
            defaultTtlS = c.longValue("default_ttl_s", defaultTtlS, 0);
            if (defaultTtlS > maxTtlS) throw c.child("default_ttl_s").error("must be at most max_ttl_s (" + maxTtlS + ")");
            prefix = c.text("key_prefix", prefix);
            breakpoints = PromptBreakpoints.parse(c, root);
        }
        Map<String, Long> plans = new LinkedHashMap<>();
        if (root.has("plans")) {
            ConfigNode section = root.child("plans");
            for (String name : section.keys()) {
                ConfigNode p = section.child(name);
                if (!p.isMapping() || !p.has("cache_ttl")) continue;
                long ttl = p.longValue("cache_ttl", 0, 0);
                if (ttl > maxTtlS) throw p.child("cache_ttl").error("must be at most cache.max_ttl_s (" + maxTtlS + ")");
                plans.put(name, ttl);
            }
        }
        return new CacheConfig(hitPrice, maxTtlS, maxBytes, maxEntryBytes, defaultTtlS, Map.copyOf(plans), prefix, breakpoints);
    }
}
