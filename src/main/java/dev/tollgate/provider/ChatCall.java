package dev.tollgate.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One call to a provider. {@code body} is an OpenAI chat-completions request whose {@code model}
 * is already the provider's own model id; streaming calls always ask for usage.
 */
public record ChatCall(String requestId, String upstreamModel, ObjectNode body, boolean stream) {}
