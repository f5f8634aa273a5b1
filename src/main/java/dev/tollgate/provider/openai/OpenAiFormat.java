package dev.tollgate.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.StreamChunk;

/** Reading the parts of OpenAI responses the gateway needs: usage and streamed text. */
public final class OpenAiFormat {
    private OpenAiFormat() {}

    /** Usage from an OpenAI {@code usage} object, or null when absent. */
    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) return null;
        // a provider's nonsense (negative counts) must not reach billing: clamp to what is possible
        long prompt = Math.max(0, usage.path("prompt_tokens").asLong(0));
        long completion = Math.max(0, usage.path("completion_tokens").asLong(0));
        long cached = Math.max(0, usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
        long reasoning = Math.max(0, usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
        return new Usage(prompt, Math.min(cached, prompt), completion, Math.min(reasoning, completion));
    }

    /** Wraps one chunk's exact bytes with what the gateway reads from it. */
    public static StreamChunk chunk(byte[] json, JsonNode node) {
        Usage usage = usage(node.get("usage"));
        JsonNode choices = node.get("choices");
        boolean noChoices = choices == null || !choices.isArray() || choices.isEmpty();
        return new StreamChunk(json, usage, usage != null && noChoices, noChoices ? "" : deltaText(choices));
    }

    /** True when some choice of this chunk carries a finish_reason. */
    public static boolean finished(JsonNode node) {
        for (JsonNode choice : node.path("choices")) {
            JsonNode reason = choice.get("finish_reason");
            if (reason != null && !reason.isNull()) return true;
        }
        return false;
    }

    private static String deltaText(JsonNode choices) {
        StringBuilder text = null;
        for (JsonNode choice : choices) {
            JsonNode delta = choice.path("delta");
            text = append(text, delta.get("content"));
            text = append(text, delta.get("reasoning_content"));
            text = append(text, delta.get("reasoning"));
            for (JsonNode call : delta.path("tool_calls")) {
                text = append(text, call.path("function").get("name"));
                text = append(text, call.path("function").get("arguments"));
            }
        }
        return text == null ? "" : text.toString();
    }

    private static StringBuilder append(StringBuilder sb, JsonNode v) {
        if (v == null || !v.isTextual() || v.asText().isEmpty()) return sb;
        if (sb == null) sb = new StringBuilder();
        return sb.append(v.asText());
    }
}
