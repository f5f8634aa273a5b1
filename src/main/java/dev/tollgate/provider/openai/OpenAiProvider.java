package dev.tollgate.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.json.Json;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatProvider;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.EmbeddingsProvider;
import dev.tollgate.provider.ImagesProvider;
import dev.tollgate.provider.LegacyCompletions;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import dev.tollgate.provider.ProviderHttp;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.provider.UpstreamErrors;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Any OpenAI-compatible server (OpenAI, Groq, OpenRouter, vLLM, Ollama, ...): the request passes as is.
 * Also serves {@code /embeddings}, {@code /images/generations} and the legacy {@code /completions} (a call's
 * {@link ChatCall#legacyBody()}, answered in chat format through {@link LegacyAnswers}) with the same key,
 * timeouts and error mapping.
 */
public final class OpenAiProvider implements ChatProvider, EmbeddingsProvider, ImagesProvider, LegacyCompletions {
    /** 2,048 inputs × 3,072 float dimensions as JSON text is about 64 MiB; base64 is a third of it. */
    private static final int EMBEDDINGS_RESPONSE_BYTES_MAX = 96 * 1024 * 1024;
    /** Ten b64_json images of a few MiB each. */
    private static final int IMAGES_RESPONSE_BYTES_MAX = 64 * 1024 * 1024;
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final URI chatUri;
    private final URI completionsUri;
    private final URI embeddingsUri;
    private final URI imagesUri;
    private final Map<String, String> headers;
    private final ProviderHttp http;

    public OpenAiProvider(TollgateConfig.Provider config, TollgateConfig.Server server) {
        this.name = config.name();
        this.chatUri = URI.create(config.baseUrl() + "/chat/completions");
        this.completionsUri = URI.create(config.baseUrl() + "/completions");
        this.embeddingsUri = URI.create(config.baseUrl() + "/embeddings");
        this.imagesUri = URI.create(config.baseUrl() + "/images/generations");
        this.http = new ProviderHttp(name, config.baseUrl(), server);
        String key = config.apiKey();
        this.headers = key == null || key.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + key);
    }

    @Override
    public String name() { return name; }

    @Override
    public ChatResult complete(ChatCall call) throws ProviderException {
        boolean legacy = call.legacyBody() != null;
        JsonNode root = Json.parseOrNull(http.readBounded(post(legacy ? completionsUri : chatUri,
                legacy ? call.legacyBody() : call.body(), "application/json"), ProviderHttp.RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("choices").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not a "
                    + (legacy ? "text completion" : "chat completion"), null);
        }
        ObjectNode answer = legacy ? LegacyAnswers.toChat(obj, false) : obj;
        return new ChatResult(answer, OpenAiFormat.usage(answer.get("usage")));
    }

    @Override
    public void stream(ChatCall call, Consumer<StreamChunk> sink) throws ProviderException {
        boolean[] finished = {false};
        int[] chunks = {0};
        boolean legacy = call.legacyBody() != null;
        http.readEvents(post(legacy ? completionsUri : chatUri, legacy ? call.legacyBody() : call.body(), "text/event-stream"),
                (event, data) -> {
            if (Arrays.equals(data, DONE)) {
                finished[0] = true;
                return false;
            }
            JsonNode node = http.eventJson(data);
            if (node.has("error")) {
                throw new ProviderException(chunks[0] == 0 ? Kind.SERVER_ERROR : Kind.STREAM_CUT, 0,
                        "provider '" + name + "' reported an error mid-stream: " + UpstreamErrors.message(data), null);
            }
            if (legacy) {
                node = LegacyAnswers.toChat(node, true);
                data = Json.bytes(node);
            }
            finished[0] |= OpenAiFormat.finished(node);
            sink.accept(OpenAiFormat.chunk(data, node));
            chunks[0]++;
            return true;
        });
        if (!finished[0]) {
            throw new ProviderException(Kind.STREAM_CUT, "provider '" + name + "' stream ended before the answer was finished");
        }
    }

    @Override
    public EmbeddingsProvider.Result embed(EmbeddingsProvider.Call call) throws ProviderException {
        JsonNode root = Json.parseOrNull(http.readBounded(post(embeddingsUri, call.body(), "application/json"), EMBEDDINGS_RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("data").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not an embeddings list", null);
        }
        JsonNode prompt = obj.path("usage").path("prompt_tokens");
        long promptTokens = prompt.canConvertToLong() && prompt.asLong() >= 0 ? prompt.asLong() : -1;
        return new EmbeddingsProvider.Result(obj, promptTokens);
    }

    @Override
    public ImagesProvider.Result generate(ImagesProvider.Call call) throws ProviderException {
        JsonNode root = Json.parseOrNull(http.readBounded(post(imagesUri, call.body(), "application/json"), IMAGES_RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("data").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not an images answer", null);
        }
        return new ImagesProvider.Result(obj, obj.path("data").size());
    }

    private dev.tollgate.provider.http.UpstreamHttp.Response post(URI uri, ObjectNode body, String accept) throws ProviderException {
        return http.post(uri, headers, body, accept, (status, error) -> UpstreamErrors.fromStatus(name, status, error));
    }
}
