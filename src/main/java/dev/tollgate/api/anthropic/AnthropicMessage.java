package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.Usage;
import java.util.List;

/**
 * The pure pieces of answering in Anthropic's format: an OpenAI chat.completion as an Anthropic
 * {@code message}, OpenAI's finish_reason as Anthropic's stop_reason, and the billed usage.
 */
final class AnthropicMessage {
    private AnthropicMessage() {}

    /** Anthropic's {@code stop_reason}, and the stop sequence that was hit (or null). */
    record Stop(String reason, String sequence) {
        static final Stop END_TURN = new Stop("end_turn", null);

        /**
         * OpenAI says "stop" for both a natural end and a stop sequence. Some OpenAI-compatible
         * servers (vLLM) name the matched sequence in a {@code stop_reason} field of the choice; when
         * that is one of the client's stop sequences it was a stop-sequence stop, otherwise end_turn.
         */
        static Stop of(JsonNode choice, List<String> stopSequences) {
            return switch (choice.path("finish_reason").asText("")) {
                case "length" -> new Stop("max_tokens", null);
                case "tool_calls", "function_call" -> new Stop("tool_use", null);
                case "content_filter" -> new Stop("refusal", null);
                case "stop" -> {
                    JsonNode matched = choice.get("stop_reason");
                    yield matched != null && matched.isTextual() && stopSequences.contains(matched.asText())
                            ? new Stop("stop_sequence", matched.asText()) : END_TURN;
                }
                default -> END_TURN;
            };
        }

        void putInto(ObjectNode node) {
            node.put("stop_reason", reason);
            if (sequence == null) node.putNull("stop_sequence");
            else node.put("stop_sequence", sequence);
        }
    }

    /**
     * The whole answer: thinking blocks (when the client turned thinking on), then text, then tool calls, as
     * Anthropic orders them. Only choice 0 exists here.
     */
    static ObjectNode of(ObjectNode completion, String id, String model, List<String> stopSequences, boolean thinking,
                         Reservation.Charged charged) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", model);
        ArrayNode content = out.putArray("content");
        if (thinking) thinkingBlocks(message, content);
        String text = message.path("content").isTextual() ? message.path("content").asText() : "";
        if (!text.isEmpty()) content.addObject().put("type", "text").put("text", text);
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode block = content.addObject().put("type", "tool_use");
            block.put("id", call.path("id").asText(""));
            block.put("name", call.path("function").path("name").asText(""));
            block.set("input", toolInput(call.path("function").path("arguments").asText("")));
        }
        Stop.of(choice, stopSequences).putInto(out);
        putUsage(out.putObject("usage"), charged.usage(), charged.costMicros(), cacheWriteTokens(completion));
        return out;
    }

    /**
     * The provider's thinking blocks as it sent them ({@code thinking_blocks}: Anthropic's, with signatures, and
     * redacted ones), else any reasoning text as one unsigned thinking block.
     */
    private static void thinkingBlocks(JsonNode message, ArrayNode content) {
        JsonNode blocks = message.path("thinking_blocks");
        if (blocks.isArray() && !blocks.isEmpty()) {
            for (JsonNode b : blocks) content.add(thinkingBlock(b));
            return;
        }
        String reasoning = message.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
    }

    /** One {@code thinking_blocks} entry as an Anthropic content block (only the fields Anthropic defines). */
    static ObjectNode thinkingBlock(JsonNode b) {
        if (b.path("type").asText().equals("redacted_thinking")) {
            return Json.object().put("type", "redacted_thinking").put("data", b.path("data").asText(""));
        }
        return Json.object().put("type", "thinking").put("thinking", b.path("thinking").asText(""))
                .put("signature", b.path("signature").asText(""));
    }

    /**
     * The usage Tollgate billed, in Anthropic's accounting: cache reads and cache writes are outside input_tokens.
     * {@code cost} (credits charged) is Tollgate's extension, as {@code usage.cost} is on the OpenAI side.
     */
    static void putUsage(ObjectNode usage, Usage billed, long costMicros, long cacheWriteTokens) {
        long cacheWrite = Math.min(cacheWriteTokens, billed.promptTokens() - billed.cachedPromptTokens());
        usage.put("input_tokens", billed.promptTokens() - billed.cachedPromptTokens() - cacheWrite);
        usage.put("output_tokens", billed.completionTokens());
        usage.put("cache_creation_input_tokens", cacheWrite);
        usage.put("cache_read_input_tokens", billed.cachedPromptTokens());
        usage.put("cost", Cost.toCreditsDecimal(costMicros));
    }

    /** The prompt tokens written to the provider's prompt cache, as an OpenAI usage reports them (0 when none). */
    static long cacheWriteTokens(JsonNode withUsage) {
        return withUsage == null ? 0 : Math.max(0, withUsage.path("usage").path("prompt_tokens_details").path("cache_write_tokens").asLong(0));
    }

    /** Tool arguments are a JSON string in OpenAI and an object in Anthropic; unparsable ones become {}. */
    static ObjectNode toolInput(String arguments) {
        JsonNode parsed = arguments.isBlank() ? null : Json.parseOrNull(arguments.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return parsed instanceof ObjectNode o ? o : Json.object();
    }
}
