package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.billing.StreamMeter;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.ErrorBodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.http.SseOut;
import dev.tollgate.json.Json;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Catalog;
import dev.tollgate.routing.Deployment;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: the request path of DESIGN.md, top to bottom:
 * auth → parse → route → for each candidate: hold → provider → settle (or release) → respond.
 * Every hold placed is settled or released on every exit path; fallback happens only before the
 * first byte reaches the client.
 */
public final class ChatCompletions implements Handler {
    private final Authenticator auth;
    private final Catalog catalog;
    private final Billing billing;
    private final long maxBodyBytes;

    public ChatCompletions(Authenticator auth, Catalog catalog, Billing billing, long maxBodyBytes) {
        this.auth = auth;
        this.catalog = catalog;
        this.billing = billing;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        ChatRequest chat = ChatRequest.parse(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        List<Deployment> candidates = catalog.candidates(chat.model(), chat.models());
        Attempts attempts = new Attempts(principal.accountId(), RequestIds.of(req));
        if (chat.stream()) {
            stream(chat, candidates, attempts, res);
        } else {
            complete(chat, candidates, attempts, res);
        }
    }

    private void complete(ChatRequest chat, List<Deployment> candidates, Attempts attempts, ServerResponse res) {
        for (Deployment d : candidates) {
            Reservation hold = attempts.reserve(billing, d, chat);
            if (hold == null) continue;
            try {
                ChatResult result = d.provider().complete(call(chat, d, attempts.requestId, false));
                Usage usage = result.usage() != null ? result.usage() : counted(chat, d, result.body());
                Reservation.Charged charged = hold.settle(usage, attempts.requestId);
                ObjectNode body = result.body();
                putUsage(body.withObjectProperty("usage"), charged);
                answeredBy(res, d);
                res.header("x-tollgate-cost", charged.costCredits());
                res.header("x-tollgate-balance", charged.balanceCredits());
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(Json.bytes(body));
                return;
            } catch (ProviderException e) {
                hold.release();
                if (!attempts.failed(e)) break;
            } finally {
                hold.release(); // no-op after settle; covers every unexpected exit
            }
        }
        throw attempts.finalError();
    }

    private void stream(ChatRequest chat, List<Deployment> candidates, Attempts attempts, ServerResponse res) {
        SseOut out = new SseOut(res);
        for (Deployment d : candidates) {
            Reservation hold = attempts.reserve(billing, d, chat);
            if (hold == null) continue;
            answeredBy(res, d);
            StreamMeter meter = new StreamMeter();
            try {
                d.provider().stream(call(chat, d, attempts.requestId, true), chunk -> {
                    meter.accept(chunk);
                    if (!chunk.usageOnly()) out.data(chunk.json()); // the usage chunk waits for its cost
                });
                Reservation.Charged charged = hold.settle(meter.usage(chat.body(), d.upstreamModel()), attempts.requestId);
                if (chat.clientWantsUsage()) out.data(usageChunkWithCost(meter, charged));
                out.done();
                out.close();
                return;
            } catch (ProviderException e) {
                if (out.started() || meter.producedTokens()) {
                    // Bytes reached the client: no fallback now. Bill what was produced, say so in-band.
                    if (meter.producedTokens()) hold.settle(meter.usage(chat.body(), d.upstreamModel()), attempts.requestId);
                    else hold.release();
                    out.data(Json.bytes(ErrorBodies.openAi(failure(e))));
                    out.close();
                    return;
                }
                hold.release();
                if (!attempts.failed(e)) break;
            } finally {
                hold.release();
            }
        }
        throw attempts.finalError();
    }

    private static byte[] usageChunkWithCost(StreamMeter meter, Reservation.Charged charged) {
        StreamChunk reported = meter.usageChunk();
        ObjectNode chunk = reported == null ? null : (ObjectNode) Json.parseOrNull(reported.json());
        if (chunk == null) {
            chunk = Json.object().put("object", "chat.completion.chunk");
            chunk.putArray("choices");
        }
        putUsage(chunk.withObjectProperty("usage"), charged);
        return Json.bytes(chunk);
    }

    /** Completes the usage object with our counts where the provider gave none, and the cost in credits. */
    private static void putUsage(ObjectNode usage, Reservation.Charged charged) {
        if (!usage.has("prompt_tokens")) {
            usage.put("prompt_tokens", charged.usage().promptTokens());
            usage.put("completion_tokens", charged.usage().completionTokens());
            usage.put("total_tokens", charged.usage().totalTokens());
        }
        usage.put("cost", Cost.toCreditsDecimal(charged.costMicros()));
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

    private static void answeredBy(ServerResponse res, Deployment d) {
        res.header("x-tollgate-provider", d.providerName());
        res.header("x-tollgate-model", d.publicName());
    }

    static ApiException failure(ProviderException e) {
        if (e.kind() == ProviderException.Kind.BAD_REQUEST) {
            return new ApiException(400, "invalid_request_error", "invalid_request_error", null, e.getMessage(), null);
        }
        return ApiException.upstream(e.clientStatus(), e.getMessage());
    }

    /** The attempts of one request: hold ids, what failed, and the error to answer when all did. */
    static final class Attempts {
        final String accountId;
        final String requestId;
        private final String holdPrefix = "h_" + RequestIds.newLedgerId() + "_";
        private int attempt;
        private ProviderException lastFailure;
        private InsufficientCreditsException lastRefusal;

        Attempts(String accountId, String requestId) {
            this.accountId = accountId;
            this.requestId = requestId;
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

    public static ApiException insufficient(InsufficientCreditsException e) {
        return new ApiException(402, "insufficient_credits", "insufficient_credits", null,
                "Insufficient credits: this request needs up to " + Cost.toCredits(e.requiredMicros())
                        + " credits (its worst case) but the account has " + Cost.toCredits(Math.max(0, e.availableMicros()))
                        + " available", null);
    }
}
