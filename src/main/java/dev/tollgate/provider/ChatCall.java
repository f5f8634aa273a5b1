package dev.tollgate.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One call to a provider. {@code body} is an OpenAI chat-completions request whose {@code model}
 * is already the provider's own model id; streaming calls always ask for usage. {@code anthropicBody}: the
 * client's own Anthropic Messages body when it came in on {@code /v1/messages} (else null); an Anthropic adapter
 * sends that, with only {@code model} and {@code stream} set, so cache_control, thinking, top_k, metadata and
 * unknown fields arrive intact. Other adapters ignore it. {@code legacyBody}: the client's legacy
 * {@code /v1/completions} body, set only for a {@link LegacyCompletions} adapter and a model with the
 * {@code completions} capability (model and stream usage already set); such an adapter sends it to the legacy
 * endpoint instead of {@code body} and answers in chat format all the same.
 * {@code breakpointMinTokens}: an Anthropic adapter marks a
 * system prompt at least this long (estimated tokens) with {@code cache_control} when the caller marked nothing
 * (0 = never; docs/caching.md "Automatic breakpoints"); other adapters ignore it.
 */
public record ChatCall(String requestId, String upstreamModel, ObjectNode body, boolean stream, ObjectNode anthropicBody,
                       ObjectNode legacyBody, long breakpointMinTokens) {
    public ChatCall(String requestId, String upstreamModel, ObjectNode body, boolean stream) {
        this(requestId, upstreamModel, body, stream, null);
    }

    public ChatCall(String requestId, String upstreamModel, ObjectNode body, boolean stream, ObjectNode anthropicBody) {
        this(requestId, upstreamModel, body, stream, anthropicBody, null, 0);
    }
}
