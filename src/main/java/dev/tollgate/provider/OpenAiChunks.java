package dev.tollgate.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Usage;

/**
 * Writes the OpenAI {@code chat.completion.chunk}s of one translated stream. Stream translators call
 * one typed method per event (content, reasoning, tool call, finish, usage) and never build JSON or
 * SSE text themselves; every chunk carries the same id, created and model, as OpenAI's do.
 */
public final class OpenAiChunks {
    private final String id;
    private final long created;
    private final String model;

    public OpenAiChunks(String id, long created, String model) {
        this.id = id;
        this.created = created;
        this.model = model;
    }

    /** The opening chunk OpenAI sends before any text: the assistant role and empty content. */
    public StreamChunk role(int choice) {
        ObjectNode chunk = base();
        delta(chunk, choice, null).put("role", "assistant").put("content", "");
        return of(chunk, "");
    }

    public StreamChunk content(int choice, String text) {
        ObjectNode chunk = base();
        delta(chunk, choice, null).put("content", text);
        return of(chunk, text);
    }

    /** Thinking text, under the field DeepSeek/OpenRouter clients read; billed as output. */
    public StreamChunk reasoning(int choice, String text) {
        ObjectNode chunk = base();
        delta(chunk, choice, null).put("reasoning_content", text);
        return of(chunk, text);
    }

    /**
     * Part of a thinking block that is not text (LiteLLM's {@code thinking_blocks} extension):
     * {@code {type: thinking, signature}} ends the thinking block whose text streamed as reasoning,
     * {@code {type: redacted_thinking, data}} is a whole encrypted block. Clients hand them back on the next
     * turn (Anthropic verifies the signatures); no text, so nothing to count.
     */
    public StreamChunk thinkingBlock(int choice, ObjectNode block) {
        ObjectNode chunk = base();
        delta(chunk, choice, null).putArray("thinking_blocks").add(block);
        return of(chunk, "");
    }

    /** The first chunk of a tool call: its id and name (and any arguments already known). */
    public StreamChunk toolCallStart(int choice, int toolIndex, String callId, String name, String arguments) {
        ObjectNode chunk = base();
        ObjectNode call = delta(chunk, choice, null).putArray("tool_calls").addObject();
        call.put("index", toolIndex).put("id", callId).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return of(chunk, name + arguments);
    }

    public StreamChunk toolCallArguments(int choice, int toolIndex, String partialJson) {
        ObjectNode chunk = base();
        ObjectNode call = delta(chunk, choice, null).putArray("tool_calls").addObject();
        call.put("index", toolIndex);
        call.putObject("function").put("arguments", partialJson);
        return of(chunk, partialJson);
    }

    public StreamChunk finish(int choice, String finishReason) {
        ObjectNode chunk = base();
        delta(chunk, choice, finishReason);
        return of(chunk, "");
    }

    /** The trailing chunk with no choices that carries the usage; billing reads it. */
    public StreamChunk usage(Usage usage) {
        ObjectNode chunk = base();
        chunk.putArray("choices");
        chunk.set("usage", usageJson(usage));
        return new StreamChunk(Json.bytes(chunk), usage, true, "");
    }

    /**
     * Like {@link #usage(Usage)}, naming the prompt tokens that were written to the provider's prompt cache in
     * {@code prompt_tokens_details.cache_write_tokens} (CONTRACT §7) when there were any.
     */
    public StreamChunk usage(Usage usage, long cacheWriteTokens) {
        ObjectNode chunk = base();
        chunk.putArray("choices");
        chunk.set("usage", usageJson(usage, cacheWriteTokens));
        return new StreamChunk(Json.bytes(chunk), usage, true, "");
    }

    /** {@link #usageJson(Usage)} plus {@code prompt_tokens_details.cache_write_tokens} when above 0. */
    public static ObjectNode usageJson(Usage usage, long cacheWriteTokens) {
        ObjectNode u = usageJson(usage);
        if (cacheWriteTokens > 0) u.withObjectProperty("prompt_tokens_details").put("cache_write_tokens", cacheWriteTokens);
        return u;
    }

    /** An OpenAI usage object, with the cached and reasoning details OpenAI's SDKs read. */
    public static ObjectNode usageJson(Usage usage) {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        u.put("total_tokens", usage.totalTokens());
        ObjectNode prompt = u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedPromptTokens());
        if (usage.allCacheWriteTokens() > 0) prompt.put("cache_write_tokens", usage.allCacheWriteTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return u;
    }

    private ObjectNode base() {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("object", "chat.completion.chunk");
        node.put("created", created);
        node.put("model", model);
        return node;
    }

    private static ObjectNode delta(ObjectNode chunk, int choice, String finishReason) {
        ObjectNode c = chunk.putArray("choices").addObject();
        c.put("index", choice);
        ObjectNode delta = c.putObject("delta");
        if (finishReason == null) c.putNull("finish_reason");
        else c.put("finish_reason", finishReason);
        return delta;
    }

    private static StreamChunk of(ObjectNode chunk, String text) {
        return new StreamChunk(Json.bytes(chunk), null, false, text);
    }
}
