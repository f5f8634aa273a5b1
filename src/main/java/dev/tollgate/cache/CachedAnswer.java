package dev.tollgate.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One stored answer: either a whole {@code chat.completion} ({@code completion}) or the chunks of a stream exactly
 * as they were sent ({@code chunks}, plus the provider's usage chunk or null), with what it cost and used the
 * first time. A stored completion can be replayed as a stream; stored chunks only as a stream.
 *
 * @param costMicros what the original answer was charged (a hit is charged {@code hit_price} × this)
 */
public record CachedAnswer(long createdMs, long expiresMs, String provider, String model, long costMicros, Usage usage,
                           ObjectNode completion, List<String> chunks, String usageChunk) {
    private static final int VERSION = 1;

    public boolean streamed() { return completion == null; }

    /** Seconds since it was stored (the {@code age} header). */
    public long ageS(long nowMs) { return Math.max(0, (nowMs - createdMs) / 1000); }

    /** The wire form the stores keep (Redis as text; Caffeine weighs entries by its length). */
    public byte[] encode() {
        ObjectNode o = Json.object().put("v", VERSION).put("created_ms", createdMs).put("expires_ms", expiresMs)
                .put("provider", provider).put("model", model).put("cost_micros", costMicros);
        ArrayNode u = o.putArray("usage");
        u.add(usage.promptTokens()).add(usage.cachedPromptTokens()).add(usage.completionTokens()).add(usage.reasoningTokens())
                .add(usage.cacheWriteTokens()).add(usage.cacheWrite1hTokens());
        if (completion != null) o.set("completion", completion);
        if (chunks != null) {
            ArrayNode c = o.putArray("chunks");
            chunks.forEach(c::add);
        }
        if (usageChunk != null) o.put("usage_chunk", usageChunk);
        return Json.bytes(o);
    }

    /** Null when the bytes are not an entry of this version (another release wrote it: a miss, not an error). */
    public static CachedAnswer decode(byte[] bytes) {
        JsonNode o = Json.parseOrNull(bytes);
        if (o == null || o.path("v").asInt() != VERSION) return null;
        JsonNode u = o.path("usage");
        Usage usage = new Usage(u.path(0).asLong(), u.path(1).asLong(), u.path(2).asLong(), u.path(3).asLong(),
                u.path(4).asLong(), u.path(5).asLong());
        List<String> chunks = null;
        if (o.has("chunks")) {
            chunks = new ArrayList<>();
            for (JsonNode c : o.get("chunks")) chunks.add(c.asText());
        }
        ObjectNode completion = o.get("completion") instanceof ObjectNode c ? c : null;
        if (completion == null && chunks == null) return null;
        return new CachedAnswer(o.path("created_ms").asLong(), o.path("expires_ms").asLong(), o.path("provider").asText(),
                o.path("model").asText(), o.path("cost_micros").asLong(), usage, completion, chunks,
                o.hasNonNull("usage_chunk") ? o.get("usage_chunk").asText() : null);
    }

    static String text(byte[] bytes) { return new String(bytes, StandardCharsets.UTF_8); }
}
