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
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
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
    private final String apiKey;
    private final Duration timeout;
    private final long streamIdleTimeoutMs;
    private final HttpClient http;

    public OpenAiProvider(TollgateConfig.Provider config, TollgateConfig.Server server) {
        this.name = config.name();
        this.chatUri = URI.create(config.baseUrl() + "/chat/completions");
        this.embeddingsUri = URI.create(config.baseUrl() + "/embeddings");
        this.imagesUri = URI.create(config.baseUrl() + "/images/generations");
        this.apiKey = config.apiKey();
        this.timeout = Duration.ofMillis(server.upstreamTimeoutMs());
        this.streamIdleTimeoutMs = server.streamIdleTimeoutMs();
        this.http = HttpClient.newBuilder()
                // h2c upgrade on plain http costs a round trip and many local servers mishandle it
                .version(config.baseUrl().startsWith("https:") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(server.upstreamConnectTimeoutMs()))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    @Override
    public String name() { return name; }

    @Override
    public ChatResult complete(ChatCall call) throws ProviderException {
        HttpResponse<InputStream> response = send(chatUri, call.body(), "application/json");
        JsonNode root = Json.parseOrNull(readBounded(response, RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("choices").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not a chat completion", null);
        }
        return new ChatResult(obj, OpenAiFormat.usage(obj.get("usage")));
    }

    @Override
    public void stream(ChatCall call, Consumer<StreamChunk> sink) throws ProviderException {
        HttpResponse<InputStream> response = send(chatUri, call.body(), "text/event-stream");
        int chunks = 0;
        boolean finished = false;
        try (InputStream in = response.body();
             IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(in, streamIdleTimeoutMs)) {
            SseReader events = new SseReader(in, EVENT_BYTES_MAX);
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
                                "provider '" + name + "' reported an error mid-stream: "
                                        + UpstreamErrors.message(data), null);
                    }
                    finished |= OpenAiFormat.finished(node);
                    sink.accept(OpenAiFormat.chunk(data, node));
                    chunks++;
                }
            } catch (IOException e) {
                if (watch.fired()) {
                    throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' stream was idle for over "
                            + streamIdleTimeoutMs + " ms", e);
                }
                throw new ProviderException(Kind.STREAM_CUT, 0, "provider '" + name + "' stream broke: " + UpstreamErrors.describe(e), e);
            }
        } catch (IOException closeFailure) {
            // closing a broken stream may fail as well; the outcome is already decided above
        }
        if (!finished) {
            throw new ProviderException(Kind.STREAM_CUT, "provider '" + name + "' stream ended before the answer was finished");
        }
    }

    @Override
    public EmbeddingsProvider.Result embed(EmbeddingsProvider.Call call) throws ProviderException {
        HttpResponse<InputStream> response = send(embeddingsUri, call.body(), "application/json");
        JsonNode root = Json.parseOrNull(readBounded(response, EMBEDDINGS_RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("data").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not an embeddings list", null);
        }
        JsonNode prompt = obj.path("usage").path("prompt_tokens");
        long promptTokens = prompt.canConvertToLong() && prompt.asLong() >= 0 ? prompt.asLong() : -1;
        return new EmbeddingsProvider.Result(obj, promptTokens);
    }

    @Override
    public ImagesProvider.Result generate(ImagesProvider.Call call) throws ProviderException {
        HttpResponse<InputStream> response = send(imagesUri, call.body(), "application/json");
        JsonNode root = Json.parseOrNull(readBounded(response, IMAGES_RESPONSE_BYTES_MAX));
        if (!(root instanceof ObjectNode obj) || !obj.path("data").isArray()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not an images answer", null);
        }
        return new ImagesProvider.Result(obj, obj.path("data").size());
    }

    /** The whole body of a 2xx answer, refused when over {@code maxBytes}. */
    private byte[] readBounded(HttpResponse<InputStream> response, int maxBytes) throws ProviderException {
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(maxBytes + 1);
        } catch (HttpTimeoutException e) {
            throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' timed out", e);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, 0, "provider '" + name + "' connection failed: " + UpstreamErrors.describe(e), e);
        }
        if (body.length > maxBytes) {
            throw new ProviderException(Kind.BAD_RESPONSE, "provider '" + name + "' sent a response over " + maxBytes + " bytes");
        }
        return body;
    }

    private HttpResponse<InputStream> send(URI uri, ObjectNode body, String accept) throws ProviderException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        if (apiKey != null && !apiKey.isEmpty()) request.header("Authorization", "Bearer " + apiKey);
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, 0, "provider '" + name + "' could not be reached: " + UpstreamErrors.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.UNAVAILABLE, 0, "interrupted while calling provider '" + name + "'", e);
        }
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody;
            try (InputStream in = response.body()) {
                errorBody = in.readNBytes(ERROR_BYTES_MAX);
            } catch (IOException e) {
                errorBody = new byte[0];
            }
            throw UpstreamErrors.fromStatus(name, response.statusCode(), errorBody);
        }
        return response;
    }
}
