package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.ChatRequest;
import dev.tollgate.api.Routes;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.limits.stop.Stop;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.TokenCountProvider;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /v1/messages/count_tokens}: an Anthropic Messages request (no {@code max_tokens} needed) →
 * {@code {"input_tokens": N}} for the model it would be routed to first. Exact from the provider when that is an
 * Anthropic upstream (the body passes through with only {@code model} changed); jtokkit for OpenAI vocabularies;
 * elsewhere the guaranteed upper bound the gateway holds credits with. {@code x-tollgate-token-count} says which
 * ({@code provider}, {@code exact}, {@code estimate}). Free: no hold, no charge; authenticated, and refused
 * while an emergency stop covers the caller.
 */
public final class CountTokens implements Handler {
    public static final String PATH = Messages.PATH + "/count_tokens";
    private static final Logger LOG = Logger.getLogger(CountTokens.class.getName());

    private final Authenticator auth;
    private final Router router;
    private final EmergencyStops stops;
    private final long maxBodyBytes;

    public CountTokens(Authenticator auth, Router router, EmergencyStops stops, long maxBodyBytes) {
        this.auth = auth;
        this.router = router;
        this.stops = stops;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        Stop stop = stops.forCaller(principal);
        if (stop != null) throw stops.refused(stop);
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, maxBodyBytes));
        ObjectNode forValidation = body.deepCopy();
        forValidation.remove("stream");
        if (!forValidation.has("max_tokens")) forValidation.put("max_tokens", 1); // not part of a count request
        ChatRequest chat = AnthropicRequest.translate(forValidation).chat();
        Route route = Routes.of(router, chat, principal, req);
        Deployment d = route.candidates().get(0);
        res.header("x-tollgate-model", d.publicName());
        long tokens = -1;
        String how;
        if (d.provider() instanceof TokenCountProvider counter && stops.forProvider(d.providerName()) == null) {
            tokens = fromProvider(counter, body, d);
        }
        if (tokens >= 0) {
            how = "provider";
        } else if (PromptTokens.exactSupported(d.upstreamModel())) {
            tokens = PromptTokens.exact(chat.body(), d.upstreamModel());
            how = "exact";
        } else {
            tokens = PromptTokens.upperBound(chat.body(), d.upstreamModel());
            how = "estimate";
        }
        res.header("x-tollgate-token-count", how);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(Json.object().put("input_tokens", tokens)));
    }

    /** The provider's exact count, or -1 when it could not answer (the gateway counts instead). */
    private static long fromProvider(TokenCountProvider counter, ObjectNode body, Deployment d) {
        ObjectNode upstream = body.deepCopy();
        upstream.put("model", d.upstreamModel());
        upstream.remove("models"); // Tollgate's own fields
        upstream.remove("prefer_cheap");
        upstream.remove("provider");
        try {
            return counter.countTokens(upstream);
        } catch (ProviderException e) {
            if (!e.retryable()) { // the provider refused the request itself: the client must change it
                throw new ApiException(400, "invalid_request_error", "invalid_request_error", null, e.getMessage(), null);
            }
            LOG.log(Level.FINE, "count_tokens at provider ''{0}'' failed ({1}); counted locally", new Object[] {counter.name(), e.getMessage()});
            return -1;
        }
    }
}
