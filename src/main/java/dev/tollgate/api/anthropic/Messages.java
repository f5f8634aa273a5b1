package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.CacheStep;
import dev.tollgate.api.ChatPipeline;
import dev.tollgate.api.ChatResponder;
import dev.tollgate.cache.CacheAsk;
import dev.tollgate.api.ChatRequest;
import dev.tollgate.api.Demands;
import dev.tollgate.api.PresetStep;
import dev.tollgate.api.PresetWire;
import dev.tollgate.limits.Admission;
import dev.tollgate.limits.Guard;
import dev.tollgate.api.Routes;
import dev.tollgate.account.Principal;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/messages}, Anthropic-compatible: auth → preset ({@link PresetStep}) → parse and translate to an OpenAI chat
 * request → route → guard → cache ({@link CacheStep}) → {@link ChatPipeline} → Anthropic wire format → guard settled. Any configured provider answers.
 * Errors on this path are written in Anthropic's shape by the server's error handlers.
 */
public final class Messages implements Handler {
    public static final String PATH = "/v1/messages";

    private final Authenticator auth;
    private final Router router;
    private final Guard guard;
    private final ChatPipeline pipeline;
    private final CacheStep cache;
    private final long maxBodyBytes;
    private final PresetStep presets; // null: presets are not applied (tests that wire the handler without a store)

    public Messages(Authenticator auth, Router router, Guard guard, ChatPipeline pipeline, CacheStep cache,
                    long maxBodyBytes) {
        this(auth, router, guard, pipeline, cache, maxBodyBytes, null);
    }

    public Messages(Authenticator auth, Router router, Guard guard, ChatPipeline pipeline, CacheStep cache,
                    long maxBodyBytes, PresetStep presets) {
        this.presets = presets;
        this.auth = auth;
        this.router = router;
        this.guard = guard;
        this.pipeline = pipeline;
        this.cache = cache;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req);
        res.header("request-id", requestId); // where Anthropic's SDKs look for the request id, errors included
        Principal principal = auth.apiKey(req);
        ObjectNode original = Bodies.jsonObject(Bodies.read(req, maxBodyBytes));
        if (presets != null) presets.apply(principal, original, res::header, PresetWire.MESSAGES); // before the cache key
        CacheAsk cacheAsk = cache.ask(req, original, guard.plan(principal)); // takes out the body's "cache" field
        AnthropicRequest request = AnthropicRequest.translate(original);
        // an Anthropic deployment gets the client's own body (only model changed): nothing is lost on the way
        ChatRequest chat = request.chat().withAnthropicBody(original.deepCopy());
        dev.tollgate.api.StructuredOutput.of(chat.body()); // an output_config schema that does not compile: 400 before routing
        Route route = Routes.of(router, chat, principal, req);
        route.headers().forEach(res::header); // before the pipeline: a stream's headers leave with its first byte
        Admission admission = guard.admit(principal, Demands.chat(chat, route.candidates(), pipeline.billing()), res::header);
        try {
            ChatResponder out = cache.answerOrPass(principal, requestId, cacheAsk, chat, route.candidates(),
                    new AnthropicResponder(res, requestId, request), res::header,
                    admission::settle);
            if (out == null) return; // answered from the cache
            pipeline.run(principal, requestId, chat, route.candidates(), out,
                    charged -> admission.settle(Demands.spent(charged, 0)));
        } finally {
            admission.release(); // a no-op after settle; an error or a client gone gives the reservation back
        }
    }
}
