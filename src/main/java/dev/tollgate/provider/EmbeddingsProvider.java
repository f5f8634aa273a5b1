package dev.tollgate.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Optional capability: a provider that can embed text ({@code POST /v1/embeddings}). A chat provider
 * that also implements this is offered to embeddings requests; one that does not is refused with a
 * 400 naming the model, never answered by an "unsupported" stub.
 */
public interface EmbeddingsProvider {

    /** The configured provider name, e.g. "openai". */
    String name();

    Result embed(Call call) throws ProviderException;

    /** An OpenAI embeddings request whose {@code model} is already the provider's own model id. */
    record Call(String requestId, String upstreamModel, ObjectNode body) {}

    /**
     * The answer in OpenAI's {@code list} format, and the prompt tokens the provider reported, or
     * -1 when it reported none (the gateway then counts them).
     */
    record Result(ObjectNode body, long promptTokens) {}
}
