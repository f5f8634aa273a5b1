package dev.tollgate.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.json.Json;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatProvider;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.EmbeddingsProvider;
import dev.tollgate.provider.IdleWatchdog;
import dev.tollgate.provider.ImagesProvider;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import dev.tollgate.provider.SseReader;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.provider.UpstreamErrors;
import dev.tollgate.provider.http.UpstreamHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Any OpenAI-compatible server (OpenAI, Groq, OpenRouter, vLLM, Ollama, ...): the request passes as is.
 * Also serves {@code /embeddings} and {@code /images/generations} with the same key, timeouts and
 * error mapping.
 */
public final class OpenAiProvider implements ChatProvider, EmbeddingsProvider, ImagesProvider {
    private static final int RESPONSE_BYTES_MAX = 32 * 1024 * 1024;
    /** 2,048 inputs × 3,072 float dimensions as JSON text is about 64 MiB; base64 is a third of it. */
    private static final int EMBEDDINGS_RESPONSE_BYTES_MAX = 96 * 1024 * 1024;
    /** Ten b64_json images of a few MiB each. */
    private static final int IMAGES_RESPONSE_BYTES_MAX = 64 * 1024 * 1024;
    private static final int ERROR_BYTES_MAX = 64 * 1024;
    private static final int EVENT_BYTES_MAX = 4 * 1024 * 1024;
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final URI chatUri;
    private final URI embeddingsUri;
    private final URI imagesUri;
    private final Map<String, String> jsonHeaders;
    private final Map<String, String> sseHeaders;
    private final long timeoutMs;
    private final long idleTimeoutMs;
    private final UpstreamHttp http;

    public OpenAiProvider(TollgateConfig.Provider config, TollgateConfig.Server server) {
        this.name = config.name();
        this.chatUri = URI.create(config.baseUrl() + "/chat/completions");
        this.embeddingsUri = URI.create(config.baseUrl() + "/embeddings");
        this.imagesUri = URI.create(config.baseUrl() + "/images/generations");
        this.timeoutMs = server.upstreamTimeoutMs();
        this.idleTimeoutMs = server.streamIdleTimeoutMs();
        this.http = UpstreamHttp.create(server, config.baseUrl().startsWith("https:"));
        this.jsonHeaders = headers(config.apiKey(), "application/json");
        this.sseHeaders = headers(config.apiKey(), "text/event-stream");
    }

    private static Map<String, String> headers(String apiKey, String accept) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", accept);
        if (apiKey != null && !apiKey.isEmpty()) h.put("Authorization", "Bearer " + apiKey);
        return Map.copyOf(h);
    }

    @Override
    public String name() { return name; }

    @Override
    public ChatResult complete(ChatCall call) throws ProviderException {
        JsonNode root = Json.parseOrNull(readBounded(send(chatUri, call.body(), jsonHeaders), RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("choices").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not a chat completion", null);
        }
        return new ChatResult(obj, OpenAiFormat.usage(obj.get("usage")));
    }

    @Override
    public void stream(ChatCall call, Consumer<StreamChunk> sink) throws ProviderException {
        int chunks = 0;
        boolean finished = false;
        try (UpstreamHttp.Response response = send(chatUri, call.body(), sseHeaders);
             IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(response::close, idleTimeoutMs)) {
            SseReader events = new SseReader(response.body(), EVENT_BYTES_MAX);
            try {
                for (byte[] data; (data = events.next()) != null; ) {
                    watch.touch();
                    if (Arrays.equals(data, DONE)) {
                        finished = true;
                        break;
                    }
                    JsonNode node = Json.parseOrNull(data);
                    if (node == null || !node.isObject()) {
                        throw new ProviderException(Kind.BAD_RESPONSE, "provider '" + name + "' sent a stream event that is not JSON");
                    }
                    if (node.has("error")) {
                        throw new ProviderException(chunks == 0 ? Kind.SERVER_ERROR : Kind.STREAM_CUT, 0,
                                "provider '" + name + "' reported an error mid-stream: " + UpstreamErrors.message(data), null);
                    }
                    finished |= OpenAiFormat.finished(node);
                    sink.accept(OpenAiFormat.chunk(data, node));
                    chunks++;
                }
            } catch (IOException e) {
                if (watch.fired()) {
                    throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' stream was idle for over "
                            + idleTimeoutMs + " ms", e);
                }
                throw new ProviderException(Kind.STREAM_CUT, 0, "provider '" + name + "' stream broke: " + UpstreamErrors.describe(e), e);
            }
        }
        if (!finished) {
            throw new ProviderException(Kind.STREAM_CUT, "provider '" + name + "' stream ended before the answer was finished");
        }
    }

    @Override
    public EmbeddingsProvider.Result embed(EmbeddingsProvider.Call call) throws ProviderException {
        JsonNode root = Json.parseOrNull(readBounded(send(embeddingsUri, call.body(), jsonHeaders), EMBEDDINGS_RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("data").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not an embeddings list", null);
        }
        JsonNode prompt = obj.path("usage").path("prompt_tokens");
        long promptTokens = prompt.canConvertToLong() && prompt.asLong() >= 0 ? prompt.asLong() : -1;
        return new EmbeddingsProvider.Result(obj, promptTokens);
    }

    @Override
    public ImagesProvider.Result generate(ImagesProvider.Call call) throws ProviderException {
        JsonNode root = Json.parseOrNull(readBounded(send(imagesUri, call.body(), jsonHeaders), IMAGES_RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("data").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not an images answer", null);
        }
        return new ImagesProvider.Result(obj, obj.path("data").size());
    }

    /** The whole body of a 2xx answer, refused when over {@code maxBytes}; a stalled body times out. */
    private byte[] readBounded(UpstreamHttp.Response response, int maxBytes) throws ProviderException {
        byte[] body;
        try (response; IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(response::close, idleTimeoutMs)) {
            try {
                body = response.body().readNBytes(maxBytes + 1);
            } catch (IOException e) {
                if (watch.fired()) throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' stopped sending its answer", e);
                throw new ProviderException(Kind.UNAVAILABLE, 0, "provider '" + name + "' connection failed: " + UpstreamErrors.describe(e), e);
            }
        }
        if (body.length > maxBytes) {
            throw new ProviderException(Kind.BAD_RESPONSE, "provider '" + name + "' sent a response over " + maxBytes + " bytes");
        }
        return body;
    }

    /** Sends the request; a non-2xx answer becomes the matching typed failure. */
    private UpstreamHttp.Response send(URI uri, ObjectNode body, Map<String, String> headers) throws ProviderException {
        UpstreamHttp.Response response;
        try {
            response = http.post(uri, headers, Json.bytes(body), timeoutMs);
        } catch (HttpTimeoutException e) {
            throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' did not answer within " + timeoutMs + " ms", e);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, 0, "provider '" + name + "' could not be reached: " + UpstreamErrors.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.UNAVAILABLE, 0, "interrupted while calling provider '" + name + "'", e);
        }
        if (response.status() / 100 != 2) {
            byte[] errorBody;
            try (response) {
                errorBody = response.body().readNBytes(ERROR_BYTES_MAX);
            } catch (IOException e) {
                errorBody = new byte[0];
            }
            throw UpstreamErrors.withRetryAfter(UpstreamErrors.fromStatus(name, response.status(), errorBody),
                    response.header("retry-after-ms"), response.header("retry-after"));
        }
        return response;
    }
}
