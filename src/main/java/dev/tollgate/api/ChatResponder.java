package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;

/**
 * How a chat answer reaches the client in one wire format (OpenAI, Anthropic). The pipeline
 * produces OpenAI-format answers and chunks; a responder writes them out, translating if it must.
 */
public interface ChatResponder {
    /** What was tried for this answer and why (docs/routing.md has the grammar). */
    String ATTEMPTS_HEADER = "x-tollgate-attempts";

    /**
     * Sets the {@code x-tollgate-attempts} header ({@link AttemptLog}); called before {@link #answer},
     * before the first {@link #chunk}, and before an error answer when nothing succeeded.
     */
    void attempts(String header);

    /**
     * The structured-output verdict ({@code valid}, {@code repaired}, {@code invalid}) for the answer that follows;
     * called before {@link #answer} when the request asked for one. Wire formats with a header for it set
     * {@link StructuredOutput#HEADER}; the default ignores it.
     */
    default void schemaVerdict(String verdict) {}

    /**
     * The request fields the answering provider never saw (its adapter translated the body and had no place for
     * them); called before {@link #answer} and before the first {@link #chunk}. A wire format that names them
     * ({@code x-tollgate-dropped-fields}) overrides this.
     */
    default void dropped(java.util.List<String> fields) {}

    /** A complete answer, already charged. */
    void answer(ObjectNode completion, Deployment answeredBy, Reservation.Charged charged);

    /** The next streamed chunk (never the usage-only one); the first call commits status and headers. */
    void chunk(StreamChunk chunk, Deployment answeredBy);

    /** True once anything was written to the client: from then on there is no fallback. */
    boolean started();

    /** True once a write found the client gone (it closed the connection): the stream should end now. */
    default boolean clientGone() { return false; }

    /** The stream finished and was charged; {@code usageChunk} is the provider's usage chunk, or null. */
    void streamDone(StreamChunk usageChunk, Reservation.Charged charged);

    /** The stream broke after bytes reached the client: end it with an in-band error. */
    void streamFailed(ApiException error);
}
