package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;
import java.util.List;

/**
 * A responder that watches another one (the response cache's recorder, a conversation's): every call goes on to
 * {@code out}, and a decorator overrides only what it watches. Written once so a method added to
 * {@link ChatResponder} (with a default) cannot be lost by one decorator that forgot to forward it.
 */
public abstract class ForwardingResponder implements ChatResponder {
    protected final ChatResponder out;

    protected ForwardingResponder(ChatResponder out) {
        this.out = out;
    }

    @Override
    public void attempts(String header) { out.attempts(header); }

    @Override
    public void schemaVerdict(String verdict) { out.schemaVerdict(verdict); }

    @Override
    public void dropped(List<String> fields) { out.dropped(fields); }

    @Override
    public void answer(ObjectNode completion, Deployment answeredBy, Reservation.Charged charged) {
        out.answer(completion, answeredBy, charged);
    }

    @Override
    public void chunk(StreamChunk chunk, Deployment answeredBy) { out.chunk(chunk, answeredBy); }

    @Override
    public boolean started() { return out.started(); }

    @Override
    public boolean clientGone() { return out.clientGone(); }

    @Override
    public void streamDone(StreamChunk usageChunk, Reservation.Charged charged) { out.streamDone(usageChunk, charged); }

    @Override
    public void streamFailed(ApiException error) { out.streamFailed(error); }
}
