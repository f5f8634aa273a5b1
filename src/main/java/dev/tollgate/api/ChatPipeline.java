package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.billing.StreamMeter;
import dev.tollgate.http.ApiException;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.limits.Admission;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.health.ProviderHealth;
import java.util.List;

/**
 * The request path of DESIGN.md, top to bottom, for every chat wire format:
 * for each candidate: breaker → rpm → hold → provider (retried with backoff) → settle (or release) →
 * guard settled → respond. Every hold placed is settled or released on every exit path; retry and fallback happen only
 * before the first byte reaches the client. Auth, parsing and routing happened before; the responder owns the wire format.
 */
public final class ChatPipeline {
    private final Billing billing;
    private final ProviderHealth health;

    public ChatPipeline(Billing billing, ProviderHealth health) {
        this.billing = billing;
        this.health = health;
    }

    public Billing billing() { return billing; }

    /**
     * Answers {@code chat} from the first candidate that can (see {@link AttemptLoop}: retries with
     * backoff, breakers, provider rpm). The {@code x-tollgate-attempts} header says what was tried; it
     * is set before the first byte, and on the error answer when nothing succeeded.
     *
     * {@code admission} (the guard's) is settled to the charge right after the ledger, before the answer's last
     * byte, so a client that sends its next request on receiving this answer finds its slot and tokens back.
     * The caller releases it on every other exit.
     */
    public void run(String accountId, String requestId, ChatRequest chat, List<Deployment> candidates,
                    Admission admission, ChatResponder out) {
        AttemptLoop attempts = new AttemptLoop(health, accountId);
        try {
            attempts.run(candidates, (d, holdId) -> billing.reserve(accountId, holdId, d, chat.body()),
                    (d, hold, attempt) -> chat.stream() ? stream(chat, d, hold, requestId, admission, out, attempt)
                            : complete(chat, d, hold, requestId, admission, out, attempt));
        } catch (ApiException e) {
            out.attempts(attempts.attemptsHeader());
            throw e;
        }
    }

    private static Reservation.Charged complete(ChatRequest chat, Deployment d, Reservation hold, String requestId,
                                                Admission admission, ChatResponder out, AttemptLoop.Try attempt)
            throws ProviderException {
        ChatResult result = d.provider().complete(call(chat, d, requestId, false));
        Usage usage = result.usage() != null ? result.usage() : counted(chat, d, result.body());
        Reservation.Charged charged = hold.settle(usage, requestId);
        admission.settle(Demands.spent(charged, 0));
        out.attempts(attempt.answeredHeader());
        out.answer(result.body(), d, charged);
        return charged;
    }

    private static Reservation.Charged stream(ChatRequest chat, Deployment d, Reservation hold, String requestId,
                                              Admission admission, ChatResponder out, AttemptLoop.Try attempt)
            throws ProviderException {
        StreamMeter meter = new StreamMeter();
        try {
            d.provider().stream(call(chat, d, requestId, true), chunk -> {
                meter.accept(chunk);
                if (chunk.usageOnly()) return; // the usage chunk waits for its cost
                if (!out.started()) out.attempts(attempt.answeredHeader()); // headers go with the first byte
                out.chunk(chunk, d);
            });
        } catch (ProviderException e) {
            if (!out.started() && !meter.producedTokens()) throw e; // nothing reached anyone: retry or fall over
            // Bytes reached the client: no retry, no fallback now. Bill what was produced, say so in-band.
            attempt.failedAfterStart(e);
            Reservation.Charged charged = null;
            if (meter.producedTokens()) charged = hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId);
            else hold.release();
            admission.settle(Demands.spent(charged, 0));
            out.streamFailed(failure(e));
            return charged;
        }
        Reservation.Charged charged = hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId);
        admission.settle(Demands.spent(charged, 0));
        out.streamDone(meter.usageChunk(), charged);
        return charged;
    }

    private static Usage counted(ChatRequest chat, Deployment d, ObjectNode body) {
        StringBuilder text = new StringBuilder();
        body.path("choices").forEach(c -> text.append(c.path("message").path("content").asText("")));
        return Usage.of(PromptTokens.exact(chat.body(), d.upstreamModel()), OutputTokens.count(text.toString(), d.upstreamModel()));
    }

    private static ChatCall call(ChatRequest chat, Deployment d, String requestId, boolean stream) {
        ObjectNode body = chat.body();
        body.put("model", d.upstreamModel());
        if (stream) body.withObjectProperty("stream_options").put("include_usage", true);
        return new ChatCall(requestId, d.upstreamModel(), body, stream);
    }

    static ApiException failure(ProviderException e) {
        if (e.kind() == ProviderException.Kind.BAD_REQUEST) {
            return new ApiException(400, "invalid_request_error", "invalid_request_error", null, e.getMessage(), null);
        }
        return ApiException.upstream(e.clientStatus(), e.getMessage());
    }

    public static ApiException insufficient(InsufficientCreditsException e) {
        return new ApiException(402, "insufficient_credits", "insufficient_credits", null,
                "Insufficient credits: this request needs up to " + Cost.toCredits(e.requiredMicros())
                        + " credits (its worst case) but the account has " + Cost.toCredits(Math.max(0, e.availableMicros()))
                        + " available", null);
    }
}
