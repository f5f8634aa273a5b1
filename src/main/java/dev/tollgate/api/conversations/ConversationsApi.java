package dev.tollgate.api.conversations;

import dev.tollgate.state.Page;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.ListPage;
import dev.tollgate.api.items.OutputItems;
import dev.tollgate.config.StateConfig;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import dev.tollgate.state.conversations.Conversation;
import dev.tollgate.state.conversations.ConversationStore;
import dev.tollgate.state.conversations.DuplicateItemException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/conversations} (docs/conversations.md): OpenAI's Conversations API — create (with items and
 * metadata), retrieve, update (metadata, and Tollgate's {@code title}; POST as OpenAI, PATCH too), delete (its
 * items with it), items added, listed, read and deleted — plus {@code GET /v1/conversations}, the caller's own,
 * newest first. Every id of another account answers 404, exactly like an id that never existed.
 */
public final class ConversationsApi implements HttpService {
    public static final String PATH = "/v1/conversations";
    /** OpenAI's limit on items added in one call. */
    static final int ITEMS_PER_CALL_MAX = 20;
    private static final Set<String> CREATE_FIELDS = Set.of("items", "metadata", "title");
    private static final Set<String> UPDATE_FIELDS = Set.of("metadata", "title");

    private final Authenticator auth;
    private final ConversationStore store;
    private final StateConfig.Conversations config;
    private final Clock clock;
    private final long maxBodyBytes;
    private final ConversationStats stats;

    public ConversationsApi(Authenticator auth, ConversationStore store, StateConfig.Conversations config, Clock clock,
                            long maxBodyBytes, ConversationStats stats) {
        this.auth = auth;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.stats = stats;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create).get("/", this::list)
                .get("/{id}", this::retrieve).post("/{id}", this::update).patch("/{id}", this::update)
                .delete("/{id}", this::delete)
                .get("/{id}/items", this::items).post("/{id}/items", this::addItems)
                .get("/{id}/items/{item}", this::item).delete("/{id}/items/{item}", this::deleteItem)
                .get("/{id}/stats", (req, res) -> stats.handle(req, res, find(auth.apiKey(req), req)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        ObjectNode body = body(req, CREATE_FIELDS);
        List<ObjectNode> items = ConversationJson.items(body.get("items"), ITEMS_PER_CALL_MAX);
        ObjectNode metadata = ConversationJson.metadata(body.get("metadata"));
        long now = clock.millis();
        Conversation c = new Conversation(OutputItems.newId("conv_"), p.accountId(), ConversationJson.title(body.get("title")),
                metadata == null ? Json.object() : metadata, items.size(), now, now);
        try {
            store.create(c, items);
        } catch (DuplicateItemException e) {
            throw duplicate();
        }
        json(res, ConversationJson.conversation(c));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        var query = req.query();
        int limit = ListPage.limit(query.first("limit").orElse(null));
        json(res, ListPage.of(store.list(p.accountId(), query.first("after").orElse(null), limit),
                ConversationJson::conversation));
    }

    private void retrieve(ServerRequest req, ServerResponse res) {
        json(res, ConversationJson.conversation(find(auth.apiKey(req), req)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        ObjectNode body = body(req, UPDATE_FIELDS);
        ObjectNode metadata = ConversationJson.metadata(body.get("metadata"));
        String title = ConversationJson.title(body.get("title"));
        if (metadata == null && title == null) {
            throw ApiException.invalid("metadata", "Missing required parameter: 'metadata' (or 'title')");
        }
        String id = id(req);
        if (!store.update(p.accountId(), id, metadata, title, clock.millis())) throw notFound(id);
        retrieve(p, id, res);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        String id = id(req);
        if (!store.delete(p.accountId(), id)) throw notFound(id);
        json(res, ConversationJson.deleted(id));
    }

    private void items(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        Conversation c = find(p, req);
        var query = req.query();
        boolean ascending = ConversationJson.ascending(query.first("order").orElse(null));
        int limit = ListPage.limit(query.first("limit").orElse(null));
        String after = query.first("after").orElse(null);
        if (after != null && store.item(p.accountId(), c.id(), after).isEmpty()) {
            throw ApiException.invalid("after", "'after' is not an item of this conversation");
        }
        json(res, ListPage.of(store.items(p.accountId(), c.id(), ascending, after, limit), x -> x));
    }

    private void addItems(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        ObjectNode body = body(req, Set.of("items"));
        if (!body.hasNonNull("items")) throw ApiException.invalid("items", "Missing required parameter: 'items'");
        List<ObjectNode> items = ConversationJson.items(body.get("items"), ITEMS_PER_CALL_MAX);
        Conversation c = find(p, req);
        refuseFull(c, items.size(), config.maxItems());
        try {
            if (!store.append(p.accountId(), c.id(), items, clock.millis())) throw notFound(c.id());
        } catch (DuplicateItemException e) {
            throw duplicate();
        }
        json(res, ListPage.of(new Page<>(items, false), x -> x));
    }

    private void item(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        Conversation c = find(p, req);
        String itemId = req.path().pathParameters().get("item");
        json(res, store.item(p.accountId(), c.id(), itemId).orElseThrow(() -> itemNotFound(itemId)));
    }

    /** As OpenAI: the answer is the conversation the item was deleted from. */
    private void deleteItem(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        Conversation c = find(p, req);
        String itemId = req.path().pathParameters().get("item");
        if (!store.deleteItem(p.accountId(), c.id(), itemId, clock.millis())) throw itemNotFound(itemId);
        retrieve(p, c.id(), res);
    }

    /** Appending {@code adding} items would take the conversation past {@code maxItems}: 400 naming the bound. */
    public static void refuseFull(Conversation c, int adding, int maxItems) {
        if (c.itemCount() + adding > maxItems) {
            throw new ApiException(400, "invalid_request_error", "conversation_full", "items", "Conversation '" + c.id()
                    + "' holds " + c.itemCount() + " items; adding " + adding + " would pass the limit of " + maxItems
                    + " (conversations.max_items): start a new conversation", null);
        }
    }

    private void retrieve(Principal p, String id, ServerResponse res) {
        json(res, ConversationJson.conversation(store.find(p.accountId(), id).orElseThrow(() -> notFound(id))));
    }

    private Conversation find(Principal p, ServerRequest req) {
        String id = id(req);
        return store.find(p.accountId(), id).orElseThrow(() -> notFound(id));
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private ObjectNode body(ServerRequest req, Set<String> fields) {
        byte[] bytes = Bodies.read(req, maxBodyBytes);
        ObjectNode body = bytes.length == 0 ? Json.object() : Bodies.jsonObject(bytes); // create() may send no body
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw ApiException.invalid(f, "Unknown parameter: '" + f + "' (expected one of " + String.join(", ",
                        fields.stream().sorted().toList()) + ")");
            }
        }
        return body;
    }

    private static ApiException duplicate() {
        return ApiException.invalid("items", "Two items share an id, or an item's id is already in this conversation: "
                + "give each item a new id (or none, and the gateway makes one)");
    }

    public static ApiException notFound(String id) {
        return ApiException.notFound(null, null, "Conversation with id '" + id + "' not found.");
    }

    private static ApiException itemNotFound(String id) {
        return ApiException.notFound(null, null, "Item with id '" + id + "' not found.");
    }

    private static void json(ServerResponse res, JsonNode body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }
}
