package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import dev.tollgate.state.conversations.Conversation;
import dev.tollgate.usage.ConversationUsage;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/conversations/{id}/stats}: what the caller's conversation cost and what caching saved on it —
 * requests, tokens, credits, response-cache hits and their rate, prompt-cached tokens and their share of the
 * input, credits saved by both (docs/conversations.md "Stats").
 */
public final class ConversationStats {
    private final ConversationUsage usage;

    public ConversationStats(ConversationUsage usage) {
        this.usage = usage;
    }

    void handle(ServerRequest req, ServerResponse res, Conversation c) {
        ConversationUsage.Totals t = usage.of(c.accountId(), c.id());
        ObjectNode o = Json.object().put("conversation", c.id()).put("object", "conversation.stats");
        o.put("requests", t.requests()).put("successful_requests", t.ok()).put("failed_requests", t.requests() - t.ok());
        o.put("input_tokens", t.inputTokens()).put("output_tokens", t.outputTokens())
                .put("total_tokens", t.inputTokens() + t.outputTokens());
        o.put("cost", Cost.toCreditsDecimal(t.costMicros()));
        ObjectNode cache = o.putObject("cache");
        cache.put("hits", t.cacheHits()).put("hit_rate", rate(t.cacheHits(), t.requests()));
        cache.put("cached_tokens", t.cachedTokens()).put("cached_token_rate", rate(t.cachedTokens(), t.inputTokens()));
        cache.put("credits_saved", Cost.toCreditsDecimal(t.cacheSavingsMicros()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(o));
    }

    /** A share rounded to 4 places; 0 when there is nothing to share out. */
    private static double rate(long part, long whole) {
        return whole == 0 ? 0 : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }
}
