package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.cache.CacheStats;
import dev.tollgate.cache.ResponseCache;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/cache/stats} (the caller's account) and {@code GET /admin/cache/stats} (everyone): response-cache
 * hits, misses, bypasses, hit rate, tokens and credits saved, as counted by this replica since it started
 * (docs/caching.md says why the figures are per replica).
 */
public final class CacheStatsApi {
    private final Authenticator auth;
    private final ResponseCache cache;

    public CacheStatsApi(Authenticator auth, ResponseCache cache) {
        this.auth = auth;
        this.cache = cache;
    }

    public void mine(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        ObjectNode body = json(cache.stats().account(p.accountId())).put("account", p.accountId());
        send(res, body);
    }

    public void all(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        send(res, json(cache.stats().overall()));
    }

    private ObjectNode json(CacheStats.Snapshot s) {
        ObjectNode o = Json.object();
        o.put("hits", s.hits()).put("misses", s.misses()).put("bypasses", s.bypasses()).put("hit_rate", s.hitRate())
                .put("tokens_saved", s.tokensSaved())
                .put("credits_saved", Cost.toCreditsDecimal(s.microsSaved()))
                .put("credits_charged", Cost.toCreditsDecimal(s.microsCharged()))
                .put("store", cache.storeKind()).put("scope", "replica");
        return o;
    }

    private static void send(ServerResponse res, ObjectNode body) {
        res.header("Content-Type", "application/json");
        res.send(Json.bytes(body));
    }
}
