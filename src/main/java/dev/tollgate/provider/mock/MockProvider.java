package dev.tollgate.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatProvider;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.EmbeddingsProvider;
import dev.tollgate.provider.ImagesProvider;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.StreamChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The built-in provider of the demo and the tests: answers in-process, deterministically.
 * The answer is "This is a mock answer to: " followed by the last user message, one token per word,
 * cut at {@code max_tokens} (then finish_reason "length"); with a {@code response_format} it is a JSON value
 * ({@link MockJson}). Usage is what {@link MockTokens} says.
 * {@code latency_ms} delays the first byte, {@code chunk_delay_ms} each streamed word after it.
 * It also embeds ({@link MockEmbeddings}) and draws ({@link MockImages}), deterministically.
 */
public final class MockProvider implements ChatProvider, EmbeddingsProvider, ImagesProvider {
    private static final int DEFAULT_ANSWER_WORDS_MAX = 64;

    private final String name;
    private final long latencyMs;
    private final long chunkDelayMs;

    public MockProvider(TollgateConfig.Provider config) {
        this.name = config.name();
        this.latencyMs = config.latencyMs();
        this.chunkDelayMs = config.chunkDelayMs();
    }

    @Override
    public String name() { return name; }

    @Override
    public ChatResult complete(ChatCall call) throws ProviderException {
        pause(latencyMs);
        Answer answer = answer(call.body());
        ObjectNode body = Json.object();
        body.put("id", "chatcmpl-mock-" + call.requestId());
        body.put("object", "chat.completion");
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", call.upstreamModel());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", String.join(" ", answer.words));
        choice.put("finish_reason", answer.finishReason);
        Usage usage = answer.usage();
        putUsage(body, usage);
        return new ChatResult(body, usage);
    }

    @Override
    public void stream(ChatCall call, Consumer<StreamChunk> sink) throws ProviderException {
        pause(latencyMs);
        Answer answer = answer(call.body());
        String id = "chatcmpl-mock-" + call.requestId();
        long created = System.currentTimeMillis() / 1000;
        sink.accept(chunk(id, created, call.upstreamModel(), delta -> delta.put("role", "assistant").put("content", ""), null));
        for (int i = 0; i < answer.words.size(); i++) {
            if (i > 0) pause(chunkDelayMs);
            String text = (i == 0 ? "" : " ") + answer.words.get(i);
            sink.accept(chunk(id, created, call.upstreamModel(), delta -> delta.put("content", text), null));
        }
        sink.accept(chunk(id, created, call.upstreamModel(), delta -> { }, answer.finishReason));
        if (call.body().path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode last = base(id, created, call.upstreamModel());
            last.putArray("choices");
            putUsage(last, answer.usage());
            sink.accept(new StreamChunk(Json.bytes(last), answer.usage(), true, ""));
        }
    }

    @Override
    public EmbeddingsProvider.Result embed(EmbeddingsProvider.Call call) throws ProviderException {
        pause(latencyMs);
        ObjectNode body = MockEmbeddings.answer(call.body(), call.upstreamModel());
        return new EmbeddingsProvider.Result(body, body.path("usage").path("prompt_tokens").asLong());
    }

    @Override
    public ImagesProvider.Result generate(ImagesProvider.Call call) throws ProviderException {
        pause(latencyMs);
        ObjectNode body = MockImages.answer(call.body(), System.currentTimeMillis() / 1000);
        return new ImagesProvider.Result(body, body.path("data").size());
    }

    private record Answer(List<String> words, String finishReason, long promptTokens) {
        Usage usage() { return new Usage(promptTokens, 0, words.size(), 0); }
    }

    private static Answer answer(JsonNode request) {
        long cap = request.path("max_completion_tokens").asLong(request.path("max_tokens").asLong(DEFAULT_ANSWER_WORDS_MAX));
        String json = MockJson.answer(request); // structured outputs: a JSON value the schema accepts, as one word
        List<String> words = new ArrayList<>(json != null ? List.of(json) : List.of("This", "is", "a", "mock", "answer", "to:"));
        if (json == null) {
            for (String w : MockTokens.lastUserText(request).split("\\s+")) {
                if (!w.isEmpty()) words.add(w);
            }
        }
        boolean cut = words.size() > cap;
        List<String> out = cut ? words.subList(0, (int) Math.max(cap, 0)) : words;
        return new Answer(out, cut ? "length" : "stop", MockTokens.promptTokens(request));
    }

    private static StreamChunk chunk(String id, long created, String model, Consumer<ObjectNode> delta, String finishReason) {
        ObjectNode node = base(id, created, model);
        ObjectNode choice = node.putArray("choices").addObject();
        choice.put("index", 0);
        delta.accept(choice.putObject("delta"));
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        String text = choice.path("delta").path("content").asText("");
        return new StreamChunk(Json.bytes(node), null, false, text);
    }

    private static ObjectNode base(String id, long created, String model) {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("object", "chat.completion.chunk");
        node.put("created", created);
        node.put("model", model);
        return node;
    }

    private static void putUsage(ObjectNode body, Usage usage) {
        ObjectNode u = body.putObject("usage");
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        u.put("total_tokens", usage.totalTokens());
    }

    private static void pause(long ms) throws ProviderException {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, 0, "mock provider interrupted", e);
        }
    }

    static ArrayNode messages(JsonNode request) {
        return request.path("messages") instanceof ArrayNode a ? a : Json.NODES.arrayNode();
    }
}
