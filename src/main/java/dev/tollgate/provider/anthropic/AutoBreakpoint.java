package dev.tollgate.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.metering.OutputTokens;

/**
 * The automatic prompt-cache breakpoint (docs/caching.md): a system prompt of at least the configured number
 * of tokens gets {@code cache_control: {"type":"ephemeral"}} on its last block, so Anthropic caches the tools and
 * system prefix and the next request with the same prefix reads it at the cached price. Never when the caller
 * placed any {@code cache_control} of their own (they chose their breakpoints; adding one could also break
 * Anthropic's limit of 4): so this adds at most one, to a body that has none.
 */
final class AutoBreakpoint {
    static final String FIELD = "cache_control";

    private AutoBreakpoint() {}

    /** Marks {@code body}'s system prompt when due; returns whether it did. {@code minTokens} 0 = never. */
    static boolean apply(ObjectNode body, long minTokens, String upstreamModel) {
        if (minTokens <= 0) return false;
        JsonNode system = body.get("system");
        if (system == null || !(system.isTextual() || system.isArray() && !system.isEmpty())) return false;
        String text = systemText(system);
        // the estimate never exceeds the chars: a short prompt is turned away without estimating
        if (text.length() < minTokens || OutputTokens.count(text, upstreamModel) < minTokens) return false;
        if (hasCacheControl(body)) return false;
        ArrayNode blocks;
        if (system.isTextual()) {
            blocks = Json.NODES.arrayNode();
            blocks.addObject().put("type", "text").put("text", system.asText());
            body.set("system", blocks);
        } else {
            blocks = (ArrayNode) system;
        }
        JsonNode last = blocks.get(blocks.size() - 1);
        if (!last.isObject()) return false;
        ((ObjectNode) last).set(FIELD, Json.object().put("type", "ephemeral"));
        return true;
    }

    private static String systemText(JsonNode system) {
        if (system.isTextual()) return system.asText();
        StringBuilder out = new StringBuilder();
        for (JsonNode block : system) out.append(block.path("text").asText(""));
        return out.toString();
    }

    /** A {@code cache_control} anywhere the caller can put one: top level, system, tools, messages and their blocks. */
    static boolean hasCacheControl(JsonNode node) {
        if (node.isObject()) {
            if (node.has(FIELD)) return true;
            for (var it = node.elements(); it.hasNext(); ) {
                JsonNode child = it.next();
                if (child.isContainerNode() && hasCacheControl(child)) return true;
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (child.isContainerNode() && hasCacheControl(child)) return true;
            }
        }
        return false;
    }
}
