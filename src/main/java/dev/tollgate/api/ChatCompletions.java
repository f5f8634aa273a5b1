package dev.tollgate.api;

import dev.tollgate.account.Principal;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.routing.Catalog;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /v1/chat/completions}: auth → parse → route → {@link ChatPipeline} → OpenAI wire format. */
public final class ChatCompletions implements Handler {
    private final Authenticator auth;
    private final Catalog catalog;
    private final ChatPipeline pipeline;
    private final long maxBodyBytes;

    public ChatCompletions(Authenticator auth, Catalog catalog, ChatPipeline pipeline, long maxBodyBytes) {
        this.auth = auth;
        this.catalog = catalog;
        this.pipeline = pipeline;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        ChatRequest chat = ChatRequest.parse(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        pipeline.run(principal.accountId(), RequestIds.of(req), chat, catalog.candidates(chat.model(), chat.models()),
                new OpenAiResponder(res, chat.clientWantsUsage()));
    }
}
