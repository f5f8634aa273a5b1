package dev.tollgate.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.provider.FieldTable;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;

/**
 * OpenAI chat-completions request → Anthropic Messages request. Scalar parameters go through the
 * {@link #PARAMS} table; messages, tools and tool_choice have their own translators. OpenAI fields
 * Anthropic has no counterpart for are dropped (docs/providers.md lists them), since Anthropic
 * rejects unknown fields.
 */
final class AnthropicRequest {
    private static final FieldTable PARAMS = new FieldTable()
            // max_completion_tokens is the newer name; the first row that writes max_tokens wins
            .copy("max_completion_tokens", "max_tokens")
            .copy("max_tokens", "max_tokens")
            // OpenAI allows 0..2, Anthropic 0..1: clamping keeps "as random as allowed"
            .map("temperature", "temperature", t -> Json.NODES.numberNode(Math.max(0.0, Math.min(1.0, t.asDouble()))))
            .copy("top_p", "top_p")
            .copy("top_k", "top_k") // not OpenAI, but sent by clients that know Anthropic
            .map("stop", "stop_sequences", AnthropicRequest::stopSequences)
            .map("user", "metadata", user -> Json.object().put("user_id", user.asText()))
            .copy("thinking", "thinking") // Anthropic's extended thinking, passed through for those who ask
            // OpenAI's tiers (default, flex, priority) mean nothing to Anthropic; its own two pass
            .map("service_tier", "service_tier", t -> t.asText().matches("auto|standard_only") ? t : null);

    private AnthropicRequest() {}

    static ObjectNode build(String provider, JsonNode req, String model, int defaultMaxTokens, boolean stream)
            throws ProviderException {
        if (req.path("n").asInt(1) > 1) throw invalid(provider, "n > 1 is not supported (Anthropic returns one answer)");
        ObjectNode out = Json.object();
        out.put("model", model);
        AnthropicMessages.Translated messages = AnthropicMessages.translate(provider, req.path("messages"));
        if (messages.system() != null) out.set("system", messages.system());
        out.set("messages", messages.messages());
        PARAMS.apply(req, out);
        // Anthropic requires max_tokens (thinking included); the hold assumed the same default plus any
        // thinking budget (PriceBook.outputCap), so the cap sent matches what was held
        if (!out.has("max_tokens")) out.put("max_tokens", defaultMaxTokens + PriceBook.reasoningBudget(req));
        tools(provider, req, out);
        JsonAnswerTool answer = JsonAnswerTool.of(req); // response_format: a forced tool (Anthropic has no such field)
        if (answer != null) answer.addTo(out, req.hasNonNull("tool_choice"));
        if (stream) out.put("stream", true);
        return out;
    }

    private static JsonNode stopSequences(JsonNode stop) {
        if (stop.isTextual()) return Json.NODES.arrayNode().add(stop.asText());
        return stop.isArray() && !stop.isEmpty() ? stop : null;
    }

    private static void tools(String provider, JsonNode req, ObjectNode out) throws ProviderException {
        JsonNode tools = req.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode list = out.putArray("tools");
            for (JsonNode t : tools) {
                if (!"function".equals(t.path("type").asText("function"))) {
                    throw invalid(provider, "tool type '" + t.path("type").asText() + "' is not supported");
                }
                JsonNode fn = t.path("function");
                ObjectNode tool = list.addObject();
                tool.put("name", fn.path("name").asText());
                if (fn.hasNonNull("description")) tool.put("description", fn.path("description").asText());
                JsonNode schema = fn.get("parameters");
                tool.set("input_schema", schema != null && schema.isObject() ? schema
                        : Json.object().put("type", "object").set("properties", Json.object()));
                if (t.hasNonNull("cache_control")) tool.set("cache_control", t.get("cache_control"));
            }
        }
        ObjectNode choice = toolChoice(provider, req.get("tool_choice"));
        if (req.path("parallel_tool_calls").isBoolean() && !req.path("parallel_tool_calls").asBoolean() && out.has("tools")) {
            if (choice == null) choice = Json.object().put("type", "auto");
            if (!choice.path("type").asText().equals("none")) choice.put("disable_parallel_tool_use", true);
        }
        if (choice != null && out.has("tools")) out.set("tool_choice", choice);
    }

    /** "auto" → auto, "required" → any, "none" → none, a named function → tool. */
    private static ObjectNode toolChoice(String provider, JsonNode choice) throws ProviderException {
        if (choice == null || choice.isNull()) return null;
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> Json.object().put("type", "auto");
                case "required" -> Json.object().put("type", "any");
                case "none" -> Json.object().put("type", "none");
                default -> throw invalid(provider, "tool_choice '" + choice.asText() + "' is not supported");
            };
        }
        String name = choice.path("function").path("name").asText("");
        if (name.isEmpty()) throw invalid(provider, "tool_choice must name a function");
        return Json.object().put("type", "tool").put("name", name);
    }

    private static ProviderException invalid(String provider, String problem) {
        return new ProviderException(Kind.BAD_REQUEST, 0, "provider '" + provider + "' (anthropic): " + problem, null);
    }
}
