package dev.tollgate.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.OpenAiChunks;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import java.util.Map;

/** Gemini {@code GenerateContentResponse} → OpenAI {@code chat.completion}, plus the shared vocabularies. */
final class GeminiResponse {
    /** Gemini finishReason → OpenAI finish_reason; unknown reasons read as a normal stop. */
    private static final Map<String, String> FINISH = Map.of(
            "STOP", "stop",
            "MAX_TOKENS", "length",
            "SAFETY", "content_filter",
            "RECITATION", "content_filter",
            "BLOCKLIST", "content_filter",
            "PROHIBITED_CONTENT", "content_filter",
            "SPII", "content_filter",
            "IMAGE_SAFETY", "content_filter");

    private GeminiResponse() {}

    static ChatResult translate(String provider, JsonNode root, String requestedModel) throws ProviderException {
        JsonNode candidates = root.path("candidates");
        if (!candidates.isArray() && !root.has("promptFeedback")) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + provider + "' returned a response without candidates", null);
        }
        ObjectNode body = Json.object();
        body.put("id", root.path("responseId").asText("gen-" + GeminiCallIds.fresh()));
        body.put("object", "chat.completion");
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", root.path("modelVersion").asText(requestedModel));
        ArrayNode choices = body.putArray("choices");
        int position = 0;
        for (JsonNode candidate : candidates) choices.add(choice(candidate, position++));
        if (choices.isEmpty()) {
            // the prompt itself was blocked: OpenAI clients expect one (empty, filtered) choice
            ObjectNode blocked = choices.addObject().put("index", 0);
            blocked.putObject("message").put("role", "assistant").put("content", "");
            blocked.putNull("logprobs");
            blocked.put("finish_reason", root.path("promptFeedback").has("blockReason") ? "content_filter" : "stop");
        }
        // no usage reported: return none, so the gateway counts the tokens instead of billing zero
        Usage usage = root.path("usageMetadata").isObject() ? usage(root.path("usageMetadata")) : null;
        if (usage != null) body.set("usage", OpenAiChunks.usageJson(usage));
        return new ChatResult(body, usage);
    }

    private static ObjectNode choice(JsonNode candidate, int position) {
        StringBuilder text = new StringBuilder();
        StringBuilder thoughts = new StringBuilder();
        ArrayNode toolCalls = Json.NODES.arrayNode();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                JsonNode fc = part.path("functionCall");
                ObjectNode call = toolCalls.addObject();
                call.put("id", GeminiCallIds.forPart(part));
                call.put("type", "function");
                call.putObject("function").put("name", fc.path("name").asText())
                        .put("arguments", fc.path("args").isObject() ? fc.path("args").toString() : "{}");
            } else if (part.path("thought").asBoolean(false)) {
                thoughts.append(part.path("text").asText(""));
            } else {
                text.append(part.path("text").asText(""));
            }
        }
        ObjectNode choice = Json.object().put("index", candidate.path("index").asInt(position));
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (text.isEmpty() && !toolCalls.isEmpty()) message.putNull("content");
        else message.put("content", text.toString());
        if (!thoughts.isEmpty()) message.put("reasoning_content", thoughts.toString());
        if (!toolCalls.isEmpty()) message.set("tool_calls", toolCalls);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(candidate.path("finishReason").asText(null), !toolCalls.isEmpty()));
        return choice;
    }

    /** A normal stop after a function call is OpenAI's "tool_calls": that is what clients loop on. */
    static String finishReason(String reason, boolean calledTools) {
        String mapped = reason == null ? "stop" : FINISH.getOrDefault(reason, "stop");
        return calledTools && mapped.equals("stop") ? "tool_calls" : mapped;
    }

    /**
     * prompt = promptTokenCount (+ toolUsePromptTokenCount, input Gemini fed itself from tools);
     * cached = cachedContentTokenCount, already inside promptTokenCount; thinking is billed as output
     * but Gemini reports it outside candidatesTokenCount, so completion = candidates + thoughts.
     */
    static Usage usage(JsonNode m) {
        long prompt = count(m, "promptTokenCount") + count(m, "toolUsePromptTokenCount");
        long cached = Math.min(count(m, "cachedContentTokenCount"), prompt);
        long thoughts = count(m, "thoughtsTokenCount");
        return new Usage(prompt, cached, count(m, "candidatesTokenCount") + thoughts, thoughts);
    }

    private static long count(JsonNode m, String field) {
        return Math.max(0, m.path(field).asLong(0));
    }
}
