package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.routing.Catalog;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /v1/models}: the public names, models and aliases, in the OpenAI list format. */
public final class Models implements Handler {
    private final Authenticator auth;
    private final byte[] body;

    public Models(Authenticator auth, Catalog catalog, long createdEpochSeconds) {
        this.auth = auth;
        ObjectNode root = Json.object();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        catalog.publicNames().forEach((name, owner) -> data.addObject()
                .put("id", name).put("object", "model").put("created", createdEpochSeconds).put("owned_by", owner));
        this.body = Json.bytes(root); // the catalog is immutable: render once
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        auth.apiKey(req);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
