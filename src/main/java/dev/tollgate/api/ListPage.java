package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import dev.tollgate.state.Page;
import java.util.function.Function;

/**
 * OpenAI's cursor-paged list, as every list Tollgate keeps answers it (conversations, their items, images, a
 * response's input items): {@code {"object":"list","data","first_id","last_id","has_more"}}, with {@code limit}
 * from 1 to {@value #LIMIT_MAX} ({@value #LIMIT_DEFAULT} when absent).
 */
public final class ListPage {
    public static final int LIMIT_DEFAULT = 20;
    public static final int LIMIT_MAX = 100;

    private ListPage() {}

    public static <T> ObjectNode of(Page<T> page, Function<T, JsonNode> json) {
        ObjectNode o = Json.object().put("object", "list");
        ArrayNode data = o.putArray("data");
        page.data().forEach(x -> data.add(json.apply(x)));
        if (data.isEmpty()) {
            o.putNull("first_id");
            o.putNull("last_id");
        } else {
            o.put("first_id", data.get(0).path("id").asText());
            o.put("last_id", data.get(data.size() - 1).path("id").asText());
        }
        o.put("has_more", page.hasMore());
        return o;
    }

    /** The {@code limit} query parameter: 400 naming it unless an integer from 1 to 100. */
    public static int limit(String text) {
        if (text == null) return LIMIT_DEFAULT;
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= LIMIT_MAX) return limit;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.invalid("limit", "'limit' must be an integer from 1 to " + LIMIT_MAX);
    }
}
