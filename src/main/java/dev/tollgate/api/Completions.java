package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.limits.Admission;
import dev.tollgate.limits.Guard;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/completions} (OpenAI's legacy endpoint): auth → parse and translate to chat
 * ({@link CompletionsRequest}) → route → guard → {@link ChatPipeline} (billed exactly like chat) → text_completion
 * wire format ({@link CompletionsResponder}) → guard settled. A deployment whose provider serves the legacy
 * endpoint is sent the client's own body; any other answers the chat translation.
 */
public final class Completions implements Handler {
    public static final String PATH = "/v1/completions";

    private final Authenticator auth;
    private final Router router;
    private final Guard guard;
    private final ChatPipeline pipeline;
    private final long maxBodyBytes;

    public Completions(Authenticator auth, Router router, Guard guard, ChatPipeline pipeline, long maxBodyBytes) {
        this.auth = auth;
        this.router = router;
        this.guard = guard;
        this.pipeline = pipeline;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, maxBodyBytes));
        CompletionsRequest request = CompletionsRequest.translate(body);
        ChatRequest chat = request.chat();
        Route route = Routes.of(router, chat, principal, req);
        route.headers().forEach(res::header); // before the pipeline: a stream's headers leave with its first byte
        Admission admission = guard.admit(principal, Demands.chat(chat, route.candidates(), pipeline.billing()), res::header);
        try {
            pipeline.run(principal, RequestIds.of(req), chat, route.candidates(),
                    new CompletionsResponder(res, chat.clientWantsUsage(), chat.model(), request.dropped()),
                    charged -> admission.settle(Demands.spent(charged, 0)));
        } finally {
            admission.release(); // a no-op after settle; an error or a client gone gives the reservation back
        }
    }
}
