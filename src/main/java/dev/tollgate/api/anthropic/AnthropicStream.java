package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.json.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates one streamed answer from OpenAI chunks to Anthropic's event sequence, chunk by chunk
 * (nothing is held back): {@code message_start}, then per content block {@code content_block_start},
 * {@code content_block_delta} (thinking_delta / signature_delta / text_delta / input_json_delta),
 * {@code content_block_stop}; at the end
 * {@code message_delta} (stop_reason and the billed usage) and {@code message_stop}.
 * Only choice 0 is translated (Anthropic has no {@code n}). Not thread-safe: one per stream.
 */
final class AnthropicStream {
    /** Receives each translated event: its SSE event name and its JSON data. */
    interface Sink {
        void event(String name, ObjectNode data);
    }

    private enum Block { NONE, THINKING, TEXT, TOOL }

    private final Sink sink;
    private final String messageId;
    private final String model;
    private final List<String> stopSequences;
    /** Whether the client turned thinking on: only then is reasoning sent, as thinking blocks. */
    private final boolean thinking;
    /** OpenAI tool-call index → Anthropic content block index. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean started;
    private int nextIndex;
    private Block open = Block.NONE;
    private AnthropicMessage.Stop stop = AnthropicMessage.Stop.END_TURN;

    AnthropicStream(Sink sink, String messageId, String model, List<String> stopSequences, boolean thinking) {
        this.sink = sink;
        this.messageId = messageId;
        this.model = model;
        this.stopSequences = stopSequences;
        this.thinking = thinking;
    }

    boolean started() { return started; }

    /** Translates one OpenAI chat.completion.chunk; emits message_start on the first. */
    void chunk(JsonNode chunk) {
        start();
        JsonNode choice = chunk.path("choices").path(0);
        if (!choice.isObject()) return;
        JsonNode delta = choice.path("delta");
        if (thinking) {
            JsonNode reasoning = delta.get("reasoning_content");
            if (reasoning != null && reasoning.isTextual() && !reasoning.asText().isEmpty()) thinkingText(reasoning.asText());
            for (JsonNode block : delta.path("thinking_blocks")) thinkingBlock(block);
        }
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual() && !content.asText().isEmpty()) text(content.asText());
        for (JsonNode call : delta.path("tool_calls")) toolCall(call);
        JsonNode finish = choice.get("finish_reason");
        if (finish != null && finish.isTextual()) {
            stop = AnthropicMessage.Stop.of(choice, stopSequences);
            closeBlock();
        }
    }

    /** Ends the message with the stop reason and the usage that was billed. */
    void finish(Reservation.Charged charged, long cacheWriteTokens) {
        start();
        closeBlock();
        ObjectNode delta = Json.object().put("type", "message_delta");
        stop.putInto(delta.putObject("delta"));
        AnthropicMessage.putUsage(delta.putObject("usage"), charged.usage(), charged.costMicros(), cacheWriteTokens);
        sink.event("message_delta", delta);
        sink.event("message_stop", Json.object().put("type", "message_stop"));
    }

    /**
     * The first event. Input tokens are not known until the provider's usage arrives at the end, so
     * they are 0 here and reported in message_delta (whose usage is cumulative, as Anthropic's is).
     */
    private void start() {
        if (started) return;
        started = true;
        ObjectNode event = Json.object().put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("id", messageId);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode usage = message.putObject("usage");
        usage.put("input_tokens", 0);
        usage.put("output_tokens", 0);
        sink.event("message_start", event);
    }

    private void text(String text) {
        if (open != Block.TEXT) {
            closeBlock();
            ObjectNode block = Json.object().put("type", "text").put("text", "");
            openBlock(Block.TEXT, block);
        }
        ObjectNode delta = Json.object().put("type", "text_delta").put("text", text);
        blockDelta(nextIndex - 1, delta);
    }

    /** Reasoning text opens a thinking block (a new one after a signed block) and streams as thinking_delta. */
    private void thinkingText(String text) {
        if (open != Block.THINKING) {
            closeBlock();
            openBlock(Block.THINKING, Json.object().put("type", "thinking").put("thinking", "").put("signature", ""));
        }
        blockDelta(nextIndex - 1, Json.object().put("type", "thinking_delta").put("thinking", text));
    }

    /**
     * A {@code thinking_blocks} entry: a signature ends the open thinking block with a signature_delta, as
     * Anthropic's stream does; a redacted block is a block of its own, whole in its start event.
     */
    private void thinkingBlock(JsonNode block) {
        if (block.path("type").asText().equals("redacted_thinking")) {
            closeBlock();
            openBlock(Block.THINKING, AnthropicMessage.thinkingBlock(block));
        } else {
            if (open != Block.THINKING) {
                closeBlock();
                openBlock(Block.THINKING, Json.object().put("type", "thinking").put("thinking", "").put("signature", ""));
            }
            blockDelta(nextIndex - 1, Json.object().put("type", "signature_delta").put("signature", block.path("signature").asText("")));
        }
        closeBlock();
    }

    /** A tool call starts a tool_use block the first time its OpenAI index appears; its argument fragments follow. */
    private void toolCall(JsonNode call) {
        int toolIndex = call.path("index").asInt(0);
        Integer blockIndex = toolBlocks.get(toolIndex);
        if (blockIndex == null) {
            closeBlock();
            ObjectNode block = Json.object().put("type", "tool_use");
            block.put("id", call.path("id").asText("toolu_" + messageId + "_" + toolIndex));
            block.put("name", call.path("function").path("name").asText(""));
            block.putObject("input");
            blockIndex = openBlock(Block.TOOL, block);
            toolBlocks.put(toolIndex, blockIndex);
        }
        String arguments = call.path("function").path("arguments").asText("");
        if (!arguments.isEmpty()) {
            blockDelta(blockIndex, Json.object().put("type", "input_json_delta").put("partial_json", arguments));
        }
    }

    private int openBlock(Block kind, ObjectNode contentBlock) {
        int index = nextIndex++;
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", index);
        event.set("content_block", contentBlock);
        sink.event("content_block_start", event);
        open = kind;
        return index;
    }

    private void blockDelta(int index, ObjectNode delta) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        sink.event("content_block_delta", event);
    }

    private void closeBlock() {
        if (open == Block.NONE) return;
        open = Block.NONE;
        sink.event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", nextIndex - 1));
    }
}
