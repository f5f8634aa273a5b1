package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.routing.Catalog;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the public names, models and aliases. In the OpenAI
 * format, or in Anthropic's when the request is Anthropic-style ({@link AnthropicStyle}), so both SDKs'
 * {@code models.list()} and {@code models.retrieve()} parse what they get. An unknown id is 404 {@code model_not_found}.
 */
public final class Models {
    private final Authenticator auth;
    private final Map<String, String> ownerByName;
    private final List<String> names;
    private final long createdEpochSeconds;
    private final String createdAt;
    private final byte[] openAiList;

    public Models(Authenticator auth, Catalog catalog, long createdEpochSeconds) {
        this.auth = auth;
        this.ownerByName = catalog.publicNames();
        this.names = List.copyOf(ownerByName.keySet());
        this.createdEpochSeconds = createdEpochSeconds;
        this.createdAt = Instant.ofEpochSecond(createdEpochSeconds).toString();
        ObjectNode root = Json.object().put("object", "list");
        names.forEach(name -> root.withArray("data").add(openAi(name)));
        if (names.isEmpty()) root.putArray("data");
        this.openAiList = Json.bytes(root); // the catalog is immutable: render once
    }

    public void list(ServerRequest req, ServerResponse res) {
        auth.apiKey(req);
        send(res, AnthropicStyle.of(req) ? Json.bytes(anthropicPage(req)) : openAiList);
    }

    public void retrieve(ServerRequest req, ServerResponse res) {
        auth.apiKey(req);
        String id = req.path().pathParameters().get("id");
        if (!ownerByName.containsKey(id)) {
            throw ApiException.notFound("model_not_found", "model", "The model '" + id + "' does not exist");
        }
        send(res, Json.bytes(AnthropicStyle.of(req) ? anthropic(id) : openAi(id)));
    }

    private ObjectNode openAi(String name) {
        return Json.object().put("id", name).put("object", "model").put("created", createdEpochSeconds)
                .put("owned_by", ownerByName.get(name));
    }

    private ObjectNode anthropic(String name) {
        return Json.object().put("type", "model").put("id", name).put("display_name", name).put("created_at", createdAt);
    }

    /** Anthropic's cursor paging: {@code limit} (1..1000, default 20), {@code after_id} or {@code before_id}. */
    private ObjectNode anthropicPage(ServerRequest req) {
        var query = req.query();
        int limit = query.first("limit").map(v -> parseLimit(v)).orElse(20);
        int from = 0;
        int to = names.size();
        if (query.contains("after_id")) from = names.indexOf(query.get("after_id")) + 1;
        if (query.contains("before_id")) to = Math.max(0, names.indexOf(query.get("before_id")));
        boolean backwards = query.contains("before_id") && !query.contains("after_id");
        int start = backwards ? Math.max(from, to - limit) : from;
        int end = backwards ? to : Math.min(to, from + limit);
        List<String> page = start < end ? names.subList(start, end) : List.of();
        ObjectNode root = Json.object();
        page.forEach(name -> root.withArray("data").add(anthropic(name)));
        if (page.isEmpty()) root.putArray("data");
        root.put("has_more", backwards ? start > from : end < to);
        if (page.isEmpty()) {
            root.putNull("first_id");
            root.putNull("last_id");
        } else {
            root.put("first_id", page.get(0));
            root.put("last_id", page.get(page.size() - 1));
        }
        return root;
    }

    private static int parseLimit(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 1000) return n;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalid("limit", "'limit' must be an integer from 1 to 1000");
    }

    private static void send(ServerResponse res, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
