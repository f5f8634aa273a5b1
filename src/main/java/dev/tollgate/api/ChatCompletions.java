package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.conversations.ConversationStep;
import dev.tollgate.cache.CacheAsk;
import dev.tollgate.limits.Admission;
import dev.tollgate.limits.Guard;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/chat/completions}: auth → preset ({@link PresetStep}) → conversation ({@link ConversationStep}) → parse → schema ({@link StructuredOutput}) → route → guard → cache ({@link CacheStep}) → {@link ChatPipeline} → OpenAI wire format →
 * guard settled to what was charged (released on every other exit).
 */
public final class ChatCompletions implements Handler {
    private final Authenticator auth;
    private final Router router;
    private final Guard guard;
    private final ChatPipeline pipeline;
    private final CacheStep cache;
    private final long maxBodyBytes;
    private final PresetStep presets;
    private final ConversationStep conversations;

    public ChatCompletions(Authenticator auth, Router router, Guard guard, ChatPipeline pipeline, CacheStep cache,
                           long maxBodyBytes, PresetStep presets, ConversationStep conversations) {
        this.presets = presets;
        this.conversations = conversations;
        this.auth = auth;
        this.router = router;
        this.guard = guard;
        this.pipeline = pipeline;
        this.cache = cache;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, maxBodyBytes));
        presets.apply(principal, body, res::header); // before everything that reads the body: the cache key included
        // history in, trimmed to the context window: the cache key, routing and the hold all see what is sent
        ConversationStep.Turn turn = conversations.begin(principal, body);
        CacheAsk cacheAsk = cache.ask(req, body, guard.plan(principal)); // takes out the body's "cache" field
        ChatRequest chat = ChatRequest.parse(body);
        StructuredOutput.of(chat.body()); // a schema that does not compile is refused here, before routing
        ChatResponder responder = conversations.record(turn,
                new OpenAiResponder(res, chat.clientWantsUsage(), chat.model()));
        Route route = Routes.of(router, chat, principal, req);
        route.headers().forEach(res::header); // before the pipeline: a stream's headers leave with its first byte
        Admission admission = guard.admit(principal, Demands.chat(chat, route.candidates(), pipeline.billing()), res::header);
        try {
            ChatResponder out = cache.answerOrPass(principal, RequestIds.of(req), cacheAsk, chat, route.candidates(),
                    responder, res::header, admission::settle);
            if (out == null) return; // answered from the cache
            pipeline.run(principal, RequestIds.of(req), chat, route.candidates(), out,
                    charged -> admission.settle(Demands.spent(charged, 0)));
        } finally {
            admission.release(); // a no-op after settle; an error or a client gone gives the reservation back
        }
    }
}
