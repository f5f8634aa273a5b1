package dev.tollgate.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Optional capability: a provider that counts the input tokens of an Anthropic Messages request itself
 * ({@code POST /v1/messages/count_tokens}), exactly and without generating. Providers without it are
 * counted by the gateway (jtokkit for OpenAI vocabularies, a documented upper bound elsewhere).
 */
public interface TokenCountProvider {

    /** The configured provider name, e.g. "anthropic". */
    String name();

    /**
     * The input tokens of {@code anthropicBody}, an Anthropic count_tokens request whose {@code model} is
     * already the provider's own model id; sent as it is.
     */
    long countTokens(ObjectNode anthropicBody) throws ProviderException;
}
