package dev.tollgate.api.images;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.ListPage;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.state.Page;
import dev.tollgate.state.images.ImageStore;
import dev.tollgate.state.images.StoredImage;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The caller's image history (docs/images.md): {@code GET /v1/images} lists it newest first (OpenAI's list shape,
 * {@code limit} 1–100, {@code after} an id); {@code GET /v1/images/{id}} answers the image itself with its media
 * type ({@code ?format=json}: its metadata instead; an image kept as a provider URL answers 302 to it);
 * {@code DELETE /v1/images/{id}} removes it. Another account's id answers 404 like an unknown one.
 */
public final class ImagesHistoryApi implements HttpService {
    public static final String PATH = "/v1/images";
    private final Authenticator auth;
    private final ImageStore store;

    public ImagesHistoryApi(Authenticator auth, ImageStore store) {
        this.auth = auth;
        this.store = store;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).get("/{id}", this::retrieve).delete("/{id}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        int limit = ListPage.limit(req.query().first("limit").orElse(null));
        Page<StoredImage> page = store.list(p.accountId(), req.query().first("after").orElse(null), limit);
        send(res, ListPage.of(page, ImagesHistoryApi::json));
    }

    private void retrieve(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        String id = req.path().pathParameters().get("id");
        StoredImage image = store.find(p.accountId(), id).orElseThrow(() -> notFound(id));
        String format = req.query().first("format").orElse(null);
        if ("json".equals(format)) {
            send(res, json(image));
            return;
        }
        if (format != null) throw ApiException.invalid("format", "'format' must be json (or absent for the image itself)");
        if (image.byteCount() == 0) { // kept as the provider's URL
            res.status(Status.FOUND_302);
            res.header(HeaderNames.LOCATION, image.url());
            res.send();
            return;
        }
        byte[] bytes = store.data(p.accountId(), id).orElseThrow(() -> notFound(id)); // deleted meanwhile
        res.header(HeaderNames.CONTENT_TYPE, image.contentType());
        res.header(HeaderNames.CACHE_CONTROL, "private, max-age=86400, immutable");
        res.send(bytes);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        String id = req.path().pathParameters().get("id");
        if (!store.delete(p.accountId(), id)) throw notFound(id);
        send(res, Json.object().put("id", id).put("object", "image.deleted").put("deleted", true));
    }

    static ObjectNode json(StoredImage i) {
        ObjectNode o = Json.object().put("id", i.id()).put("object", "image").put("created_at", i.createdAtMs() / 1000);
        o.put("model", i.model()).put("prompt", i.prompt());
        put(o, "revised_prompt", i.revisedPrompt());
        put(o, "size", i.size());
        put(o, "quality", i.quality());
        put(o, "content_type", i.contentType());
        o.put("bytes", i.byteCount());
        put(o, "url", i.url());
        o.put("request_id", i.requestId());
        return o;
    }

    private static void put(ObjectNode o, String field, String value) {
        if (value == null) o.putNull(field);
        else o.put(field, value);
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound(null, null, "Image with id '" + id + "' not found.");
    }

    private static void send(ServerResponse res, ObjectNode body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }
}
