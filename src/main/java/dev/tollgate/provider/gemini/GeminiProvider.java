package dev.tollgate.provider.gemini;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatProvider;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.provider.UpstreamErrors;
import dev.tollgate.provider.ProviderHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Google's Gemini API ({@code POST {base_url}/models/{model}:generateContent} and
 * {@code :streamGenerateContent?alt=sse}). This file is the HTTP part only: URIs, headers, calls.
 */
public final class GeminiProvider implements ChatProvider {
    private final String name;
    private final String baseUrl;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final ProviderHttp http;

    public GeminiProvider(TollgateConfig.Provider config, TollgateConfig.Server server) {
        this.name = config.name();
        this.baseUrl = config.baseUrl();
        this.http = new ProviderHttp(name, baseUrl, server);
        headers.putAll(config.headers());
        // the key goes in a header, never the query string, so it cannot end up in access logs
        headers.put("x-goog-api-key", config.apiKey());
    }

    @Override
    public String name() { return name; }

    /** What {@link GeminiRequest} reads; everything else in a chat body is dropped (docs/providers.md). */
    private static final java.util.Set<String> READ = java.util.Set.of("model", "messages", "max_completion_tokens",
            "max_tokens", "temperature", "top_p", "top_k", "stop", "n", "presence_penalty", "frequency_penalty", "seed",
            "safetySettings", "cachedContent", "response_format", "thinkingConfig", "tools", "tool_choice", "stream",
            "stream_options");

    @Override
    public java.util.List<String> droppedFields(com.fasterxml.jackson.databind.JsonNode body) {
        return dev.tollgate.provider.UnreadFields.of(body, READ);
    }

    @Override
    public ChatResult complete(ChatCall call) throws ProviderException {
        ObjectNode body = GeminiRequest.build(name, call.body());
        var response = http.post(uri(call.upstreamModel(), ":generateContent"), headers, body, "application/json", this::error);
        return GeminiResponse.translate(name, http.readJson(response), call.upstreamModel());
    }

    @Override
    public void stream(ChatCall call, Consumer<StreamChunk> sink) throws ProviderException {
        ObjectNode body = GeminiRequest.build(name, call.body());
        var response = http.post(uri(call.upstreamModel(), ":streamGenerateContent?alt=sse"), headers, body,
                "text/event-stream", this::error);
        GeminiStream translator = new GeminiStream(name, call.upstreamModel(), sink);
        http.readEvents(response, (event, data) -> {
            translator.event(http.eventJson(data));
            return true;
        });
        translator.end();
    }

    /** Model ids may be written with Google's "models/" prefix; the path adds it once. */
    private URI uri(String model, String method) throws ProviderException {
        String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
        if (!id.matches("[A-Za-z0-9._\\-]+")) {
            throw new ProviderException(Kind.BAD_REQUEST, 0, "provider '" + name + "': invalid Gemini model id '" + id + "'", null);
        }
        return URI.create(baseUrl + "/models/" + id + method);
    }

    /** Gemini answers a bad key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID): that is an auth failure. */
    private ProviderException error(int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (status == 400 && (text.contains("API_KEY_INVALID") || text.contains("API key not valid"))) {
            return UpstreamErrors.fromStatus(name, 401, body);
        }
        return UpstreamErrors.fromStatus(name, status, body);
    }
}
