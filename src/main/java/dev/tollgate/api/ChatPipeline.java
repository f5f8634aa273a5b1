package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.billing.StreamMeter;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.RequestIds;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import java.util.List;

/**
 * The request path of DESIGN.md, top to bottom, for every chat wire format:
 * for each candidate: hold → provider → settle (or release) → respond. Every hold placed is
 * settled or released on every exit path; fallback happens only before the first byte reaches the
 * client. Auth, parsing and routing happened before; the responder owns the wire format.
 */
public final class ChatPipeline {
    private final Billing billing;

    public ChatPipeline(Billing billing) {
        this.billing = billing;
    }

    public void run(String accountId, String requestId, ChatRequest chat, List<Deployment> candidates, ChatResponder out) {
        Attempts attempts = new Attempts(accountId, requestId);
        for (Deployment d : candidates) {
            Reservation hold = attempts.reserve(billing, d, chat);
            if (hold == null) continue;
            try {
                if (chat.stream()) stream(chat, d, hold, requestId, out);
                else complete(chat, d, hold, requestId, out);
                return;
            } catch (ProviderException e) { // only failures before anything reached anyone get here
                hold.release();
                if (!attempts.failed(e)) break;
            } finally {
                hold.release(); // a no-op after settle; covers every unexpected exit
            }
        }
        throw attempts.finalError();
    }

    private static void complete(ChatRequest chat, Deployment d, Reservation hold, String requestId, ChatResponder out)
            throws ProviderException {
        ChatResult result = d.provider().complete(call(chat, d, requestId, false));
        Usage usage = result.usage() != null ? result.usage() : counted(chat, d, result.body());
        out.answer(result.body(), d, hold.settle(usage, requestId));
    }

    private static void stream(ChatRequest chat, Deployment d, Reservation hold, String requestId, ChatResponder out)
            throws ProviderException {
        StreamMeter meter = new StreamMeter();
        try {
            d.provider().stream(call(chat, d, requestId, true), chunk -> {
                meter.accept(chunk);
                if (!chunk.usageOnly()) out.chunk(chunk, d); // the usage chunk waits for its cost
            });
        } catch (ProviderException e) {
            if (!out.started() && !meter.producedTokens()) throw e; // nothing reached anyone: fall over
            // Bytes reached the client: no fallback now. Bill what was produced, say so in-band.
            if (meter.producedTokens()) hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId);
            else hold.release();
            out.streamFailed(failure(e));
            return;
        }
        out.streamDone(meter.usageChunk(), hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId));
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

    /** The attempts of one request: hold ids, what failed, and the error to answer when all did. */
    private static final class Attempts {
        private final String accountId;
        private final String holdPrefix = "h_" + RequestIds.newLedgerId() + "_";
        private int attempt;
        private ProviderException lastFailure;
        private InsufficientCreditsException lastRefusal;

        Attempts(String accountId, String requestId) {
            this.accountId = accountId;
        }

        /** The hold for the next candidate, or null when the caller cannot afford it (skip it). */
        Reservation reserve(Billing billing, Deployment d, ChatRequest chat) {
            try {
                return billing.reserve(accountId, holdPrefix + attempt++, d, chat.body());
            } catch (InsufficientCreditsException e) {
                if (lastRefusal == null || e.requiredMicros() < lastRefusal.requiredMicros()) lastRefusal = e;
                return null;
            }
        }

        /** Records a provider failure; true when the next candidate may be tried. */
        boolean failed(ProviderException e) {
            lastFailure = e;
            return e.retryable();
        }

        ApiException finalError() {
            if (lastFailure != null) return failure(lastFailure);
            if (lastRefusal != null) return insufficient(lastRefusal);
            return ApiException.upstream(502, "No provider could serve the request");
        }
    }
}
