package dev.tollgate.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;

/**
 * What one request asks of the cache, from its body's {@code cache} object, the {@code x-tollgate-cache-ttl} and
 * {@code x-tollgate-cache} headers and its plan's default.
 *
 * @param ttlS   how long to keep this answer; 0 = this request does not use the cache at all
 * @param lookup false under {@code x-tollgate-cache: no-cache}: answer from a provider (and still store it)
 * @param asked  the request said something about caching (an answer header is due even when it is a bypass)
 */
public record CacheAsk(long ttlS, boolean lookup, boolean asked) {
    public static final String TTL_HEADER = "x-tollgate-cache-ttl";
    public static final String HEADER = "x-tollgate-cache";
    static final CacheAsk OFF = new CacheAsk(0, false, false);

    public boolean active() { return ttlS > 0; }

    /** hit | miss | bypass, before the lookup; null when the request neither asked nor has a default. */
    public String headerBeforeLookup() {
        if (!active()) return asked ? "bypass" : null;
        return lookup ? null : "bypass";
    }

    /**
     * Takes the {@code cache} field out of {@code body} (it is never forwarded) and validates it and the headers.
     *
     * @param planAllows false when the caller's plan says {@code features.cache: false}: nothing is cached
     * @param defaultTtlS the plan's or the config's default TTL (0: none)
     */
    static CacheAsk parse(ObjectNode body, String ttlHeader, String directive, boolean planAllows, long defaultTtlS,
                          long maxTtlS) {
        JsonNode field = body.remove("cache");
        Long ttl = null;
        if (field != null && !field.isNull()) {
            if (!field.isObject()) throw ApiException.invalid("cache", "'cache' must be an object like {\"ttl\": 60}");
            field.fieldNames().forEachRemaining(f -> {
                if (!f.equals("ttl")) throw ApiException.invalid("cache." + f, "Unknown parameter: 'cache." + f + "'");
            });
            JsonNode t = field.get("ttl");
            if (t != null && !t.isNull()) {
                if (!t.isIntegralNumber() || !t.canConvertToLong()) {
                    throw ApiException.invalid("cache.ttl", "'cache.ttl' must be a whole number of seconds");
                }
                ttl = bounded(t.asLong(), "cache.ttl", maxTtlS);
            }
        }
        if (ttl == null && ttlHeader != null) {
            try {
                ttl = bounded(Long.parseLong(ttlHeader.trim()), TTL_HEADER, maxTtlS);
            } catch (NumberFormatException e) {
                throw ApiException.invalid(TTL_HEADER, "'" + TTL_HEADER + "' must be a whole number of seconds");
            }
        }
        boolean noCache = false;
        if (directive != null) {
            if (!directive.trim().equalsIgnoreCase("no-cache")) {
                throw ApiException.invalid(HEADER, "'" + HEADER + "' accepts only 'no-cache'");
            }
            noCache = true;
        }
        boolean asked = ttl != null || noCache;
        long effective = ttl != null ? ttl : defaultTtlS;
        if (!planAllows || effective == 0) return asked ? new CacheAsk(0, false, true) : OFF;
        return new CacheAsk(effective, !noCache, asked);
    }

    private static long bounded(long ttl, String param, long maxTtlS) {
        if (ttl < 0 || ttl > maxTtlS) {
            throw ApiException.invalid(param, "'" + param + "' must be from 0 to " + maxTtlS + " seconds, got " + ttl);
        }
        return ttl;
    }
}
