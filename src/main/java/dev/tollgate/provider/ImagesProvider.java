package dev.tollgate.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Optional capability: a provider that can generate images ({@code POST /v1/images/generations}).
 * Providers without it are refused with a 400 naming the model.
 */
public interface ImagesProvider {

    /** The configured provider name, e.g. "openai". */
    String name();

    Result generate(Call call) throws ProviderException;

    /** An OpenAI image-generation request whose {@code model} is already the provider's own id. */
    record Call(String requestId, String upstreamModel, ObjectNode body) {}

    /** The answer in OpenAI's format; {@code images} is the number of entries in its {@code data}. */
    record Result(ObjectNode body, int images) {}
}
