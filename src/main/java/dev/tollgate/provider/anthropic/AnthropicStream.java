package dev.tollgate.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.provider.OpenAiChunks;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.provider.UpstreamErrors;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Translates one Anthropic event stream into OpenAI chunks, one event at a time, as it arrives:
 * message_start → role chunk; text/thinking deltas → content/reasoning_content; a tool_use block →
 * a tool call whose arguments stream from input_json_delta; a thinking signature or a redacted_thinking
 * block → {@code thinking_blocks} (so a client can hand them back); message_delta → the finish chunk;
 * message_stop → the usage-only chunk billing reads. Usage is accumulated because Anthropic reports
 * input at message_start and the final output count at message_delta.
 */
final class AnthropicStream {
    private final String provider;
    private final String requestedModel;
    private final Consumer<StreamChunk> sink;
    /** Anthropic content block index → OpenAI tool_calls index (tool calls are numbered apart from text). */
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private final JsonAnswerTool answerTool;
    /** The content block that is the answer tool's call: its input streams out as content. -1: none. */
    private int answerBlock = -1;
    /** A wrapped answer ({@link JsonAnswerTool#wrapped()}) is collected whole and unwrapped at its block's end. */
    private final StringBuilder wrappedAnswer = new StringBuilder();
    private OpenAiChunks chunks;
    private int emitted;
    private long input;
    private long cacheRead;
    private long cacheCreation;
    private long cacheCreation1h; // of cacheCreation, those with the 1-hour TTL
    private long output;
    private boolean sawUsage;
    private boolean finishSent;
    private boolean stopped;

    AnthropicStream(String provider, String requestedModel, Consumer<StreamChunk> sink) {
        this(provider, requestedModel, sink, null);
    }

    /** {@code answerTool}: the forced {@link JsonAnswerTool} of a response_format request, or null. */
    AnthropicStream(String provider, String requestedModel, Consumer<StreamChunk> sink, JsonAnswerTool answerTool) {
        this.answerTool = answerTool;
        this.provider = provider;
        this.requestedModel = requestedModel;
        this.sink = sink;
    }

    void event(String eventName, JsonNode data) throws ProviderException {
        String type = data.path("type").asText(eventName == null ? "" : eventName);
        switch (type) {
            case "message_start" -> start(data.path("message"));
            case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"));
            case "content_block_delta" -> blockDelta(data.path("index").asInt(), data.path("delta"));
            case "content_block_stop" -> blockStop(data.path("index").asInt());
            case "message_delta" -> messageDelta(data);
            case "message_stop" -> stop();
            case "error" -> throw new ProviderException(emitted == 0 ? Kind.SERVER_ERROR : Kind.STREAM_CUT, 0,
                    "provider '" + provider + "' reported an error mid-stream: " + describe(data), null);
            default -> { } // ping and future event types carry nothing to translate
        }
    }

    /** Called when the byte stream ended: without message_stop the answer is incomplete. */
    void end() throws ProviderException {
        if (!stopped) {
            throw new ProviderException(Kind.STREAM_CUT, "provider '" + provider + "' stream ended before the answer was finished");
        }
    }

    private void start(JsonNode message) {
        chunks = new OpenAiChunks(message.path("id").asText("msg"), System.currentTimeMillis() / 1000,
                message.path("model").asText(requestedModel));
        updateUsage(message.path("usage"));
        emit(chunks.role(0));
    }

    private void blockStart(int index, JsonNode block) throws ProviderException {
        requireStarted();
        switch (block.path("type").asText()) {
            case "tool_use" -> {
                if (answerTool != null && JsonAnswerTool.NAME.equals(block.path("name").asText())) {
                    answerBlock = index; // its arguments are the answer: they stream as content
                    return;
                }
                int toolIndex = toolIndexByBlock.size();
                toolIndexByBlock.put(index, toolIndex);
                // the block's "input" is always {} here; the real arguments follow as input_json_delta
                emit(chunks.toolCallStart(0, toolIndex, block.path("id").asText(), block.path("name").asText(), ""));
            }
            case "text" -> emitText(block.path("text").asText(""));
            case "thinking" -> emitThinking(block.path("thinking").asText(""));
            case "redacted_thinking" -> emit(chunks.thinkingBlock(0, dev.tollgate.json.Json.object()
                    .put("type", "redacted_thinking").put("data", block.path("data").asText(""))));
            default -> { }
        }
    }

    private void blockDelta(int index, JsonNode delta) throws ProviderException {
        requireStarted();
        switch (delta.path("type").asText()) {
            case "text_delta" -> emitText(delta.path("text").asText(""));
            case "thinking_delta" -> emitThinking(delta.path("thinking").asText(""));
            case "input_json_delta" -> {
                String partial = delta.path("partial_json").asText("");
                if (index == answerBlock) {
                    if (answerTool.wrapped()) wrappedAnswer.append(partial);
                    else emitText(partial);
                    return;
                }
                Integer toolIndex = toolIndexByBlock.get(index);
                if (toolIndex != null && !partial.isEmpty()) emit(chunks.toolCallArguments(0, toolIndex, partial));
            }
            case "signature_delta" -> emit(chunks.thinkingBlock(0, dev.tollgate.json.Json.object()
                    .put("type", "thinking").put("signature", delta.path("signature").asText(""))));
            default -> { } // citations: no OpenAI counterpart
        }
    }

    /** The end of a wrapped answer: its {@code value} goes out as the content, in one piece. */
    private void blockStop(int index) throws ProviderException {
        if (index != answerBlock || !answerTool.wrapped()) return;
        requireStarted();
        JsonNode input = dev.tollgate.json.Json.parseOrNull(wrappedAnswer.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        emitText(input == null ? wrappedAnswer.toString() : answerTool.content(input));
    }

    private void messageDelta(JsonNode data) throws ProviderException {
        requireStarted();
        updateUsage(data.path("usage"));
        String stopReason = data.path("delta").path("stop_reason").asText(null);
        if (stopReason != null && !finishSent) {
            finishSent = true;
            String finish = AnthropicResponse.finishReason(stopReason);
            if (finish.equals("tool_calls") && toolIndexByBlock.isEmpty()) finish = "stop"; // only the answer tool was called
            emit(chunks.finish(0, finish));
        }
    }

    private void stop() throws ProviderException {
        requireStarted();
        if (!finishSent) {
            finishSent = true;
            emit(chunks.finish(0, "stop"));
        }
        stopped = true;
        // without any reported usage the gateway counts the streamed text rather than billing zero
        if (sawUsage) emit(chunks.usage(AnthropicResponse.usage(input, cacheRead, cacheCreation, cacheCreation1h, output)));
    }

    /** message_delta's counts are cumulative, so a present field replaces the earlier value. */
    private void updateUsage(JsonNode u) {
        if (!u.isObject()) return;
        sawUsage = true;
        if (u.has("input_tokens")) input = AnthropicResponse.count(u, "input_tokens");
        if (u.has("cache_read_input_tokens")) cacheRead = AnthropicResponse.count(u, "cache_read_input_tokens");
        if (u.has("cache_creation_input_tokens")) cacheCreation = AnthropicResponse.count(u, "cache_creation_input_tokens");
        if (u.has("cache_creation")) cacheCreation1h = AnthropicResponse.oneHourWrites(u);
        if (u.has("output_tokens")) output = AnthropicResponse.count(u, "output_tokens");
    }

    private void emitText(String text) {
        if (!text.isEmpty()) emit(chunks.content(0, text));
    }

    private void emitThinking(String text) {
        if (!text.isEmpty()) emit(chunks.reasoning(0, text));
    }

    private void emit(StreamChunk chunk) {
        emitted++;
        sink.accept(chunk);
    }

    private void requireStarted() throws ProviderException {
        if (chunks == null) {
            throw new ProviderException(Kind.BAD_RESPONSE, "provider '" + provider + "' sent content before message_start");
        }
    }

    private static String describe(JsonNode data) {
        String message = UpstreamErrors.message(dev.tollgate.json.Json.bytes(data));
        String type = data.path("error").path("type").asText("");
        return (type.isEmpty() ? "" : type + ": ") + (message == null ? "unknown error" : message);
    }
}
