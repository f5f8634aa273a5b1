package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.Authenticator;
import dev.tollgate.limits.Admission;
import dev.tollgate.limits.Guard;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.json.Json;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.EmbeddingTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.EmbeddingsProvider;
import dev.tollgate.routing.Catalog;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.health.ProviderHealth;
import dev.tollgate.usage.UsageFacts;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code POST /v1/embeddings}: auth → parse → route (providers that can embed) → guard → hold the input
 * bound × input price → provider → settle reported (or counted) prompt tokens → OpenAI list format
 * with {@code usage.cost}.
 */
public final class Embeddings implements Handler {
    static final String ENDPOINT = "/v1/embeddings";

    private final Authenticator auth;
    private final Catalog catalog;
    private final Billing billing;
    private final Guard guard;
    private final UnaryPipeline pipeline;
    private final long maxBodyBytes;

    public Embeddings(Authenticator auth, Catalog catalog, Billing billing, Guard guard, ProviderHealth health, EmergencyStops stops,
                      long maxBodyBytes) {
        this.auth = auth;
        this.catalog = catalog;
        this.billing = billing;
        this.guard = guard;
        this.pipeline = new UnaryPipeline(billing, health, stops);
        this.maxBodyBytes = maxBodyBytes;
    }

    private record Answer(ObjectNode body, Deployment answeredBy, Reservation.Charged charged) {}

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        EmbeddingsRequest request = EmbeddingsRequest.parse(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        String requestId = RequestIds.of(req);
        UsageFacts.current().requested(request.model(), request.body());
        List<Deployment> candidates = Capabilities.require(request.model(),
                catalog.candidates(request.model(), List.of()), EmbeddingsProvider.class, ENDPOINT);
        long promptBound = EmbeddingTokens.upperBound(request.input());
        UnaryPipeline.WorstCase worstCase = d -> Cost.worstCaseMicros(billing.price(d), promptBound, 0);
        Admission admission = guard.admit(principal,
                Demands.embeddings(request.model(), promptBound, candidates, worstCase::micros), res::header);
        try {
            Answer answer = answer(principal, request, requestId, candidates, worstCase, res);
            admission.settle(Demands.spent(answer.charged(), 0));
            respond(res, answer);
        } finally {
            admission.release(); // a no-op after settle
        }
    }

    private Answer answer(Principal principal, EmbeddingsRequest request, String requestId, List<Deployment> candidates,
                          UnaryPipeline.WorstCase worstCase, ServerResponse res) {
        return pipeline.run(principal, candidates, worstCase,
                (d, hold) -> {
                    ObjectNode body = request.body().put("model", d.upstreamModel());
                    EmbeddingsProvider.Result r = ((EmbeddingsProvider) d.provider())
                            .embed(new EmbeddingsProvider.Call(requestId, d.upstreamModel(), body));
                    long prompt = r.promptTokens() >= 0 ? r.promptTokens()
                            : EmbeddingTokens.counted(request.input(), d.upstreamModel());
                    return new Answer(r.body(), d, hold.settle(Usage.of(prompt, 0), requestId));
                }, attempts -> res.header(AttemptLog.HEADER, attempts));
    }

    private static void respond(ServerResponse res, Answer a) {
        ObjectNode usage = a.body().withObjectProperty("usage");
        if (!usage.path("prompt_tokens").canConvertToLong()) {
            usage.put("prompt_tokens", a.charged().usage().promptTokens());
            usage.put("total_tokens", a.charged().usage().promptTokens());
        }
        usage.put("cost", Cost.toCreditsDecimal(a.charged().costMicros()));
        OpenAiResponder.answeredBy(res, a.answeredBy());
        res.header("x-tollgate-cost", a.charged().costCredits());
        if (a.charged().balanceCredits() != null) res.header("x-tollgate-balance", a.charged().balanceCredits());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(a.body()));
    }
}
