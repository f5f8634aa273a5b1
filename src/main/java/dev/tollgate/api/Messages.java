package dev.tollgate.api;

import dev.tollgate.account.Principal;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.routing.Catalog;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/messages}, Anthropic-compatible: auth → parse and translate to an OpenAI chat
 * request → route → {@link ChatPipeline} → Anthropic wire format. Any configured provider answers.
 * Errors on this path are written in Anthropic's shape by the server's error handlers.
 */
public final class Messages implements Handler {
    public static final String PATH = "/v1/messages";

    private final Authenticator auth;
    private final Catalog catalog;
    private final ChatPipeline pipeline;
    private final long maxBodyBytes;

    public Messages(Authenticator auth, Catalog catalog, ChatPipeline pipeline, long maxBodyBytes) {
        this.auth = auth;
        this.catalog = catalog;
        this.pipeline = pipeline;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req);
        res.header("request-id", requestId); // where Anthropic's SDKs look for the request id, errors included
        Principal principal = auth.apiKey(req);
        AnthropicRequest request = AnthropicRequest.translate(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        ChatRequest chat = request.chat();
        pipeline.run(principal.accountId(), requestId, chat, catalog.candidates(chat.model(), chat.models()),
                new AnthropicResponder(res, requestId, request.stopSequences()));
    }
}
