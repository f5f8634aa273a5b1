package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.ErrorBodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.http.SseOut;
import dev.tollgate.json.Json;
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
 * auth → parse → route → provider (falling over only before the first byte) → respond.
 */
public final class ChatCompletions implements Handler {
    private final Authenticator auth;
    private final Catalog catalog;
    private final long maxBodyBytes;

    public ChatCompletions(Authenticator auth, Catalog catalog, long maxBodyBytes) {
        this.auth = auth;
        this.catalog = catalog;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        ChatRequest chat = ChatRequest.parse(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        List<Deployment> candidates = catalog.candidates(chat.model(), chat.models());
        String requestId = RequestIds.of(req);
        if (chat.stream()) {
            stream(chat, candidates, requestId, res);
        } else {
            complete(chat, candidates, requestId, res);
        }
    }

    private void complete(ChatRequest chat, List<Deployment> candidates, String requestId, ServerResponse res) {
        ProviderException last = null;
        for (Deployment d : candidates) {
            try {
                ChatResult result = d.provider().complete(call(chat, d, requestId, false));
                answeredBy(res, d);
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(Json.bytes(result.body()));
                return;
            } catch (ProviderException e) {
                last = e;
                if (!e.retryable()) break;
            }
        }
        throw failure(last);
    }

    private void stream(ChatRequest chat, List<Deployment> candidates, String requestId, ServerResponse res) {
        SseOut out = new SseOut(res);
        ProviderException last = null;
        for (Deployment d : candidates) {
            answeredBy(res, d);
            try {
                d.provider().stream(call(chat, d, requestId, true), chunk -> forward(chat, out, chunk));
                out.done();
                out.close();
                return;
            } catch (ProviderException e) {
                if (out.started()) {
                    // Bytes reached the client: no fallback now. Tell it in-band, as OpenAI does.
                    out.data(Json.bytes(ErrorBodies.openAi(failure(e))));
                    out.close();
                    return;
                }
                last = e;
                if (!e.retryable()) break;
            }
        }
        throw failure(last);
    }

    private static void forward(ChatRequest chat, SseOut out, StreamChunk chunk) {
        // Usage is always requested upstream (billing needs it); the client sees it only if it asked.
        if (chunk.usageOnly() && !chat.clientWantsUsage()) return;
        out.data(chunk.json());
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
        if (e == null) return ApiException.upstream(502, "No provider could serve the request");
        if (e.kind() == ProviderException.Kind.BAD_REQUEST) {
            return new ApiException(400, "invalid_request_error", "invalid_request_error", null, e.getMessage(), null);
        }
        return ApiException.upstream(e.clientStatus(), e.getMessage());
    }
}
