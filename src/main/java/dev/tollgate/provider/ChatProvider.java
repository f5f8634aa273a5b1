package dev.tollgate.provider;

import java.util.function.Consumer;

/**
 * A provider that speaks chat completions. An adapter translates between the OpenAI format used
 * inside Tollgate and its provider's wire format; it knows nothing of billing, routing or HTTP serving.
 */
public interface ChatProvider {

    /** The configured provider name, e.g. "openai". */
    String name();

    ChatResult complete(ChatCall call) throws ProviderException;

    /**
     * Streams the answer, handing every chunk to {@code sink} as soon as it arrives, and returns when
     * the provider finished. A failure before the first chunk means nothing reached the sink, so the
     * caller may try elsewhere; after it, the exception reports a cut stream.
     */
    void stream(ChatCall call, Consumer<StreamChunk> sink) throws ProviderException;

    /**
     * Whether this adapter can carry a request that needs {@code capability} (a name from
     * {@code TollgateConfig.Model.CAPABILITIES}) to its provider at all, whatever the model: routing
     * skips a deployment that cannot, as it skips one whose configured capabilities lack it.
     */
    default boolean accepts(String capability) {
        return true;
    }

    /**
     * The top-level fields of {@code body} (a chat request) this adapter does not send on: none for an adapter
     * that passes the body through; a translating one names what its provider's format has no place for.
     */
    default java.util.List<String> droppedFields(com.fasterxml.jackson.databind.JsonNode body) {
        return java.util.List.of();
    }
}
