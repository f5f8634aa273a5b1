package dev.tollgate.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatProvider;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.provider.TokenCountProvider;
import dev.tollgate.provider.UpstreamErrors;
import dev.tollgate.provider.ProviderHttp;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Anthropic's Messages API ({@code POST {base_url}/messages}). This file is the HTTP part only:
 * the URI, the headers and the two calls; translation lives in the sibling classes.
 */
public final class AnthropicProvider implements ChatProvider, TokenCountProvider {
    static final String API_VERSION = "2023-06-01";

    private final String name;
    private final URI messagesUri;
    private final URI countTokensUri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final int defaultMaxTokens;
    private final ProviderHttp http;

    /** @param defaultMaxTokens the max_tokens sent when the caller set none (Anthropic requires one) */
    public AnthropicProvider(TollgateConfig.Provider config, TollgateConfig.Server server, int defaultMaxTokens) {
        this.name = config.name();
        this.messagesUri = URI.create(config.baseUrl() + "/messages");
        this.countTokensUri = URI.create(config.baseUrl() + "/messages/count_tokens");
        this.defaultMaxTokens = defaultMaxTokens;
        this.http = new ProviderHttp(name, config.baseUrl(), server);
        headers.put("anthropic-version", API_VERSION);
        headers.putAll(config.headers()); // e.g. anthropic-beta; may override the version on purpose
        headers.put("x-api-key", config.apiKey());
    }

    @Override
    public String name() { return name; }

    /** What {@link AnthropicRequest} reads; everything else in a chat body is dropped (docs/providers.md). */
    private static final java.util.Set<String> READ = java.util.Set.of("model", "messages", "max_completion_tokens",
            "max_tokens", "temperature", "top_p", "top_k", "stop", "user", "thinking", "service_tier", "n", "stream",
            "stream_options", "tools", "tool_choice", "parallel_tool_calls");

    @Override
    public java.util.List<String> droppedFields(com.fasterxml.jackson.databind.JsonNode body) {
        return dev.tollgate.provider.UnreadFields.of(body, READ);
    }

    /** The Messages API takes images and PDFs (document blocks) but no audio. */
    @Override
    public boolean accepts(String capability) {
        return !capability.equals("audio");
    }

    @Override
    public ChatResult complete(ChatCall call) throws ProviderException {
        ObjectNode body = body(call, false);
        var response = http.post(messagesUri, headers, body, "application/json", this::error);
        return AnthropicResponse.translate(name, http.readJson(response), call.upstreamModel(), answerTool(call));
    }

    @Override
    public void stream(ChatCall call, Consumer<StreamChunk> sink) throws ProviderException {
        ObjectNode body = body(call, true);
        var response = http.post(messagesUri, headers, body, "text/event-stream", this::error);
        AnthropicStream translator = new AnthropicStream(name, call.upstreamModel(), sink, answerTool(call));
        http.readEvents(response, (event, data) -> {
            translator.event(event, http.eventJson(data));
            return true;
        });
        translator.end();
    }

    /**
     * Anthropic in, Anthropic out: the client's body as it came, with only the model (and the stream flag the
     * pipeline chose) set and Tollgate's own fields taken out; anything else is translated from OpenAI chat.
     */
    private ObjectNode body(ChatCall call, boolean stream) throws ProviderException {
        ObjectNode body = clientBody(call, stream);
        AutoBreakpoint.apply(body, call.breakpointMinTokens(), call.upstreamModel());
        return body;
    }

    private ObjectNode clientBody(ChatCall call, boolean stream) throws ProviderException {
        if (call.anthropicBody() == null) {
            return AnthropicRequest.build(name, call.body(), call.upstreamModel(), defaultMaxTokens, stream);
        }
        ObjectNode body = call.anthropicBody().deepCopy();
        body.put("model", call.upstreamModel());
        body.remove("models");
        body.remove("prefer_cheap");
        body.remove("provider");
        if (body.path("stream").asBoolean(false) != stream) body.put("stream", stream); // the same unless a test calls directly
        return body;
    }

    /** The forced answer tool a translated request carries (never one passed through from /v1/messages). */
    private static JsonAnswerTool answerTool(ChatCall call) {
        return call.anthropicBody() == null ? JsonAnswerTool.of(call.body()) : null;
    }

    @Override
    public long countTokens(ObjectNode anthropicBody) throws ProviderException {
        var response = http.post(countTokensUri, headers, anthropicBody, "application/json", this::error);
        var tokens = http.readJson(response).path("input_tokens");
        if (!tokens.canConvertToLong() || tokens.asLong() < 0) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' answered count_tokens without input_tokens", null);
        }
        return tokens.asLong();
    }

    /** Like any provider, plus 529: Anthropic's "overloaded", worth trying elsewhere. */
    private ProviderException error(int status, byte[] body) {
        if (status == 529) {
            return new ProviderException(Kind.SERVER_ERROR, status, "provider '" + name + "' is overloaded (HTTP 529)", null);
        }
        return UpstreamErrors.fromStatus(name, status, body);
    }
}
