package dev.tollgate.api;

import dev.tollgate.account.Principal;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /v1/chat/completions}: auth → parse → route → {@link ChatPipeline} → OpenAI wire format. */
public final class ChatCompletions implements Handler {
    private final Authenticator auth;
    private final Router router;
    private final ChatPipeline pipeline;
    private final long maxBodyBytes;

    public ChatCompletions(Authenticator auth, Router router, ChatPipeline pipeline, long maxBodyBytes) {
        this.auth = auth;
        this.router = router;
        this.pipeline = pipeline;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        ChatRequest chat = ChatRequest.parse(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        Route route = Routes.of(router, chat, principal, req);
        route.headers().forEach(res::header); // before the pipeline: a stream's headers leave with its first byte
        pipeline.run(principal.accountId(), RequestIds.of(req), chat, route.candidates(),
                new OpenAiResponder(res, chat.clientWantsUsage()));
    }
}
