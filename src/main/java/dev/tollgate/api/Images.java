package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.images.ImageKeeper;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.limits.Admission;
import dev.tollgate.limits.Guard;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.json.Json;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.ModelPrice;
import dev.tollgate.provider.ImagesProvider;
import dev.tollgate.routing.Catalog;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.health.ProviderHealth;
import dev.tollgate.usage.UsageFacts;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /v1/images/generations}: auth → parse → route (providers that can draw, models with a
 * price for the requested size and quality) → guard → hold n × per-image price → provider → settle images
 * returned × per-image price → kept in the caller's image history ({@link ImageKeeper}, each {@code data[i]} gains its
 * {@code id}) → OpenAI format with {@code usage.cost}.
 */
public final class Images implements Handler {
    static final String ENDPOINT = "/v1/images/generations";

    private final Authenticator auth;
    private final Catalog catalog;
    private final Billing billing;
    private final Guard guard;
    private final UnaryPipeline pipeline;
    private final long maxBodyBytes;
    private final ImageKeeper history;

    public Images(Authenticator auth, Catalog catalog, Billing billing, Guard guard, ProviderHealth health, EmergencyStops stops,
                      long maxBodyBytes, ImageKeeper history) {
        this.history = history;
        this.auth = auth;
        this.catalog = catalog;
        this.billing = billing;
        this.guard = guard;
        this.pipeline = new UnaryPipeline(billing, health, stops);
        this.maxBodyBytes = maxBodyBytes;
    }

    private record Answer(ObjectNode body, Deployment answeredBy, Reservation.Charged charged, long images) {}

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        ImagesRequest request = ImagesRequest.parse(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        String requestId = RequestIds.of(req);
        UsageFacts.current().requested(request.model(), request.body());
        List<Deployment> candidates = priced(request, Capabilities.require(request.model(),
                catalog.candidates(request.model(), List.of()), ImagesProvider.class, ENDPOINT));
        UnaryPipeline.WorstCase worstCase =
                d -> Cost.imageMicros(billing.price(d), usdPerImage(d, request).orElseThrow(), request.n());
        Admission admission = guard.admit(principal,
                Demands.images(request.model(), request.n(), candidates, worstCase::micros), res::header);
        try {
            Answer answer = answer(principal, request, requestId, candidates, worstCase, res);
            admission.settle(Demands.spent(answer.charged(), answer.images()));
            history.keep(principal.accountId(), requestId, request.model(), request.body().path("prompt").asText(),
                    request.size(), request.quality(), request.body().path("output_format").asText(null), answer.body());
            respond(res, answer);
        } finally {
            admission.release(); // a no-op after settle
        }
    }

    private Answer answer(Principal principal, ImagesRequest request, String requestId, List<Deployment> candidates,
                          UnaryPipeline.WorstCase worstCase, ServerResponse res) {
        return pipeline.run(principal, candidates, worstCase,
                (d, hold) -> {
                    ObjectNode body = request.body().put("model", d.upstreamModel());
                    ImagesProvider.Result r = ((ImagesProvider) d.provider())
                            .generate(new ImagesProvider.Call(requestId, d.upstreamModel(), body));
                    BigDecimal usd = usdPerImage(d, request).orElseThrow();
                    return new Answer(r.body(), d, hold.settleImages(r.images(), usd, requestId), r.images());
                }, attempts -> res.header(AttemptLog.HEADER, attempts));
    }

    /** USD per image for this request on {@code d}; a free model is zero; empty when not priced. */
    private Optional<BigDecimal> usdPerImage(Deployment d, ImagesRequest request) {
        ModelPrice price = billing.price(d);
        if (price.free()) return Optional.of(BigDecimal.ZERO);
        if (price.image() == null) return Optional.empty();
        return price.image().usdPerImage(request.quality(), request.size());
    }

    /** The candidates priced for the requested size and quality; none is a 400, never a free image. */
    private List<Deployment> priced(ImagesRequest request, List<Deployment> capable) {
        List<Deployment> priced = capable.stream().filter(d -> usdPerImage(d, request).isPresent()).toList();
        if (!priced.isEmpty()) return priced;
        Deployment first = capable.get(0);
        ModelPrice price = billing.price(first);
        if (price.image() == null) {
            throw ApiException.invalid("model", "Model '" + request.model() + "' has no image price configured"
                    + " (price.image), so " + ENDPOINT + " cannot be billed for it");
        }
        String param = request.size() == null && request.quality() != null ? "quality" : "size";
        throw ApiException.invalid(param, "Model '" + request.model() + "' has no image price for size '"
                + (request.size() == null ? "default" : request.size()) + "'"
                + (request.quality() == null ? "" : " and quality '" + request.quality() + "'")
                + "; priced: " + price.image().canonical().replace("*:", ""));
    }

    private static void respond(ServerResponse res, Answer a) {
        // gpt-image-1 reports token usage; the cost is added to it, or to a usage object of its own
        a.body().withObjectProperty("usage").put("cost", Cost.toCreditsDecimal(a.charged().costMicros()));
        OpenAiResponder.answeredBy(res, a.answeredBy());
        res.header("x-tollgate-cost", a.charged().costCredits());
        if (a.charged().balanceCredits() != null) res.header("x-tollgate-balance", a.charged().balanceCredits());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(a.body()));
    }
}
