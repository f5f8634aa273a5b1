package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.billing.StreamMeter;
import dev.tollgate.http.ApiException;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.health.ProviderHealth;
import dev.tollgate.usage.UsageFacts;
import java.util.List;

/**
 * The request path of DESIGN.md, top to bottom, for every chat wire format:
 * for each candidate: breaker → rpm → hold → provider (retried with backoff) → settle (or release) →
 * respond. Every hold placed is settled or released on every exit path; retry and fallback happen only
 * before the first byte reaches the client. Auth, parsing and routing happened before; the responder owns the wire format.
 */
public final class ChatPipeline {
    private final Billing billing;
    private final ProviderHealth health;

    public ChatPipeline(Billing billing, ProviderHealth health) {
        this.billing = billing;
        this.health = health;
    }

    /**
     * Answers {@code chat} from the first candidate that can (see {@link AttemptLoop}: retries with
     * backoff, breakers, provider rpm). The {@code x-tollgate-attempts} header says what was tried; it
     * is set before the first byte, and on the error answer when nothing succeeded.
     */
    public void run(String accountId, String requestId, ChatRequest chat, List<Deployment> candidates, ChatResponder out) {
        AttemptLoop attempts = new AttemptLoop(health, accountId);
        try {
            attempts.run(candidates, (d, holdId) -> billing.reserve(accountId, holdId, d, chat.body()),
                    (d, hold, attempt) -> {
                        if (chat.stream()) stream(chat, d, hold, requestId, out, attempt);
                        else complete(chat, d, hold, requestId, out, attempt);
                        return Boolean.TRUE;
                    });
        } catch (ApiException e) {
            out.attempts(attempts.attemptsHeader());
            throw e;
        }
    }

    private static void complete(ChatRequest chat, Deployment d, Reservation hold, String requestId, ChatResponder out,
                                 AttemptLoop.Try attempt) throws ProviderException {
        ChatResult result = d.provider().complete(call(chat, d, requestId, false));
        Usage usage = result.usage() != null ? result.usage() : counted(chat, d, result.body());
        Reservation.Charged charged = hold.settle(usage, requestId);
        out.attempts(attempt.answeredHeader());
        out.answer(result.body(), d, charged);
    }

    private static void stream(ChatRequest chat, Deployment d, Reservation hold, String requestId, ChatResponder out,
                               AttemptLoop.Try attempt) throws ProviderException {
        StreamMeter meter = new StreamMeter();
        UsageFacts facts = UsageFacts.current();
        try {
            d.provider().stream(call(chat, d, requestId, true), chunk -> {
                meter.accept(chunk);
                if (chunk.usageOnly()) return; // the usage chunk waits for its cost
                if (!out.started()) {
                    out.attempts(attempt.answeredHeader()); // headers go with the first byte
                    facts.firstByte();
                }
                out.chunk(chunk, d);
            });
        } catch (ProviderException e) {
            if (!out.started() && !meter.producedTokens()) throw e; // nothing reached anyone: retry or fall over
            // Bytes reached the client: no retry, no fallback now. Bill what was produced, say so in-band.
            attempt.failedAfterStart(e);
            if (meter.producedTokens()) hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId);
            else hold.release();
            facts.error(failure(e).code());
            out.streamFailed(failure(e));
            return;
        }
        out.streamDone(meter.usageChunk(), hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId));
    }

    private static Usage counted(ChatRequest chat, Deployment d, ObjectNode body) {
        // every choice, and everything in it the model generated: text, reasoning, tool calls
        StringBuilder text = new StringBuilder();
        for (JsonNode c : body.path("choices")) {
            JsonNode m = c.path("message");
            text.append(m.path("content").asText("")).append(m.path("reasoning_content").asText(""));
            for (JsonNode call : m.path("tool_calls")) {
                text.append(call.path("function").path("name").asText("")).append(call.path("function").path("arguments").asText(""));
            }
        }
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
