package dev.tollgate.provider.anthropic;

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

/** Anthropic {@code message} → OpenAI {@code chat.completion}, and the usage/finish vocabularies both ways. */
final class AnthropicResponse {
    /** Anthropic stop_reason → OpenAI finish_reason; anything unknown reads as a normal stop. */
    private static final Map<String, String> FINISH = Map.of(
            "end_turn", "stop",
            "stop_sequence", "stop",
            "pause_turn", "stop",
            "max_tokens", "length",
            "model_context_window_exceeded", "length",
            "tool_use", "tool_calls",
            "refusal", "content_filter");

    private AnthropicResponse() {}

    static ChatResult translate(String provider, JsonNode msg, String requestedModel) throws ProviderException {
        return translate(provider, msg, requestedModel, null);
    }

    /** {@code answerTool}: the forced {@link JsonAnswerTool} of a response_format request (its input becomes the content), or null. */
    static ChatResult translate(String provider, JsonNode msg, String requestedModel, JsonAnswerTool answerTool)
            throws ProviderException {
        if (!"message".equals(msg.path("type").asText()) || !msg.path("content").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + provider + "' returned a response that is not a message", null);
        }
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode thinkingBlocks = Json.NODES.arrayNode(); // with their signatures, for the next turn
        ArrayNode toolCalls = Json.NODES.arrayNode();
        for (JsonNode block : msg.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText(""));
                case "thinking" -> {
                    thinking.append(block.path("thinking").asText(""));
                    thinkingBlocks.addObject().put("type", "thinking").put("thinking", block.path("thinking").asText(""))
                            .put("signature", block.path("signature").asText(""));
                }
                case "redacted_thinking" -> thinkingBlocks.addObject().put("type", "redacted_thinking")
                        .put("data", block.path("data").asText(""));
                case "tool_use" -> {
                    if (answerTool != null && JsonAnswerTool.NAME.equals(block.path("name").asText())) {
                        text.append(answerTool.content(block.path("input")));
                        break;
                    }
                    ObjectNode call = toolCalls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", block.path("input").toString());
                }
                default -> { } // server tool blocks, citations: nothing an OpenAI client can use
            }
        }
        ObjectNode message = Json.object().put("role", "assistant");
        if (text.isEmpty() && !toolCalls.isEmpty()) message.putNull("content");
        else message.put("content", text.toString());
        if (!thinking.isEmpty()) message.put("reasoning_content", thinking.toString());
        if (!thinkingBlocks.isEmpty()) message.set("thinking_blocks", thinkingBlocks);
        if (!toolCalls.isEmpty()) message.set("tool_calls", toolCalls);

        ObjectNode body = Json.object();
        body.put("id", msg.path("id").asText("msg"));
        body.put("object", "chat.completion");
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", msg.path("model").asText(requestedModel));
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        String finish = finishReason(msg.path("stop_reason").asText(null));
        if (finish.equals("tool_calls") && toolCalls.isEmpty()) finish = "stop"; // only the answer tool was called
        choice.put("finish_reason", finish);
        // no usage reported: return none, so the gateway counts the tokens instead of billing zero
        Usage usage = msg.path("usage").isObject() ? usage(msg.path("usage")) : null;
        if (usage != null) body.set("usage", OpenAiChunks.usageJson(usage, count(msg.path("usage"), "cache_creation_input_tokens")));
        return new ChatResult(body, usage);
    }

    static String finishReason(String stopReason) {
        return stopReason == null ? "stop" : FINISH.getOrDefault(stopReason, "stop");
    }

    /**
     * Anthropic counts cache reads and cache writes outside input_tokens; OpenAI's prompt_tokens
     * includes every prompt token. So prompt = input + cache read + cache creation; the reads are
     * "cached" (billed at cached_input), the writes are billed at cache_write, those with the 1-hour
     * TTL ({@code cache_creation.ephemeral_1h_input_tokens}) at cache_write_1h (docs/caching.md).
     * Thinking is inside output_tokens and not reported apart, so reasoning stays 0.
     */
    static Usage usage(JsonNode u) {
        return usage(count(u, "input_tokens"), count(u, "cache_read_input_tokens"),
                count(u, "cache_creation_input_tokens"), oneHourWrites(u), count(u, "output_tokens"));
    }

    /** {@code cache_creation.ephemeral_1h_input_tokens}, 0 when absent. */
    static long oneHourWrites(JsonNode u) {
        return count(u.path("cache_creation"), "ephemeral_1h_input_tokens");
    }

    /** {@code cacheCreation}: every write; {@code oneHour}: those of them with the 1-hour TTL (clamped to it). */
    static Usage usage(long input, long cacheRead, long cacheCreation, long oneHour, long output) {
        long writes1h = Math.min(oneHour, cacheCreation);
        return new Usage(input + cacheRead + cacheCreation, cacheRead, output, 0, cacheCreation - writes1h, writes1h);
    }

    /** A count, clamped at 0: a provider's nonsense must not become a negative charge. */
    static long count(JsonNode usage, String field) {
        return Math.max(0, usage.path(field).asLong(0));
    }
}
