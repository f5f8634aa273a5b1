package dev.tollgate.api.responses;

import dev.tollgate.api.items.OutputItems;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.ChatPipeline;
import dev.tollgate.api.Demands;
import dev.tollgate.api.PresetStep;
import dev.tollgate.api.PresetWire;
import dev.tollgate.api.Routes;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.json.Json;
import dev.tollgate.limits.Admission;
import dev.tollgate.limits.Guard;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import dev.tollgate.state.responses.ResponseStore;
import dev.tollgate.state.responses.StoredResponse;
import dev.tollgate.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenAI Responses API on every provider. {@code POST /v1/responses}: auth → preset → translate to a chat
 * request (history from {@code previous_response_id} prepended) → route → guard → {@link ChatPipeline}
 * (holds, settle, emergency stop: billed exactly like chat) → Responses wire format → stored when
 * {@code store} (the default). {@code GET} and {@code DELETE /v1/responses/{id}} and
 * {@code GET /v1/responses/{id}/input_items} see only the caller's own. With {@code conversation}, the caller's
 * conversation is the history and gets the input and output appended ({@link ConversationLink}).
 */
public final class Responses {
    public static final String PATH = "/v1/responses";
    private static final Logger LOG = Logger.getLogger(Responses.class.getName());

    private final Authenticator auth;
    private final Router router;
    private final Guard guard;
    private final ChatPipeline pipeline;
    private final ResponseStore store;
    private final Clock clock;
    private final long maxBodyBytes;
    private final ConversationLink conversations;
    private final PresetStep presets; // null: presets are not applied

    public Responses(Authenticator auth, Router router, Guard guard, ChatPipeline pipeline, ResponseStore store,
                     Clock clock, long maxBodyBytes, ConversationLink conversations, PresetStep presets) {
        this.conversations = conversations;
        this.presets = presets;
        this.auth = auth;
        this.router = router;
        this.guard = guard;
        this.pipeline = pipeline;
        this.store = store;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void create(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, maxBodyBytes));
        if (presets != null) presets.apply(principal, body, res::header, PresetWire.RESPONSES);
        ResponsesRequest request = ResponsesRequest.translate(body,
                previous -> History.items(store, principal.accountId(), previous),
                (conversation, chat) -> conversations.history(principal, conversation, chat));
        dev.tollgate.api.StructuredOutput.of(request.chat().body()); // a text.format schema that does not compile: 400 before routing
        Route route = Routes.of(router, request.chat(), principal, req);
        route.headers().forEach(res::header); // before the pipeline: a stream's headers leave with its first byte
        if (!request.ignored().isEmpty()) res.header("x-tollgate-ignored-fields", String.join(",", request.ignored()));
        Admission admission = guard.admit(principal, Demands.chat(request.chat(), route.candidates(), pipeline.billing()), res::header);
        String id = OutputItems.newId("resp_");
        long createdAtMs = clock.millis();
        try {
            pipeline.run(principal, RequestIds.of(req), request.chat(), route.candidates(),
                    new ResponsesResponder(res, id, createdAtMs / 1000, request,
                            response -> save(request, principal, id, createdAtMs, response)),
                    charged -> admission.settle(Demands.spent(charged, 0)));
        } finally {
            admission.release(); // a no-op after settle; an error or a client gone gives the reservation back
        }
    }

    public void retrieve(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        String id = req.path().pathParameters().get("id");
        StoredResponse found = store.find(principal.accountId(), id).orElseThrow(() -> notFound(id));
        json(res, Json.bytes(found.response()));
    }

    public void inputItems(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        String id = req.path().pathParameters().get("id");
        StoredResponse found = store.find(principal.accountId(), id).orElseThrow(() -> notFound(id));
        var query = req.query();
        json(res, Json.bytes(InputItemsPage.of(found.input(), query.first("order").orElse(null),
                query.first("after").orElse(null), query.first("limit").orElse(null))));
    }

    public void delete(ServerRequest req, ServerResponse res) {
        Principal principal = auth.apiKey(req);
        String id = req.path().pathParameters().get("id");
        if (!store.delete(principal.accountId(), id)) throw notFound(id);
        json(res, Json.bytes(Json.object().put("id", id).put("object", "response.deleted").put("deleted", true)));
    }

    /**
     * Stores a finished response. The answer is already paid for: a store failure must not cost the client
     * the answer, so it is logged and the answer still goes out (a later GET then finds nothing).
     */
    private void save(ResponsesRequest request, Principal principal, String id, long createdAtMs, ObjectNode response) {
        if (request.conversationId() != null) conversations.append(principal, request.conversationId(), request.input(), response);
        if (!request.store()) return;
        try {
            store.save(new StoredResponse(id, principal.accountId(), request.previousResponseId(), createdAtMs,
                    request.input(), response));
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "storing response " + id + " failed; it was answered but cannot be continued", e);
        }
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound(null, null, "Response with id '" + id + "' not found.");
    }

    private static void json(ServerResponse res, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
