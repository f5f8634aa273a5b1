package dev.tollgate.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.ListPage;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One page of {@code GET /v1/responses/{id}/input_items}: a stored response's own input items (history
 * from its previous_response_id is not repeated), {@code order} desc (the default) or asc, at most
 * {@code limit} (1–100, default 20) after the item named by {@code after}. OpenAI's list shape.
 */
final class InputItemsPage {
    private InputItemsPage() {}

    static ObjectNode of(ArrayNode stored, String order, String after, String limitText) {
        List<JsonNode> items = new ArrayList<>();
        stored.forEach(items::add);
        if (order == null || order.equals("desc")) Collections.reverse(items);
        else if (!order.equals("asc")) throw ApiException.invalid("order", "'order' must be asc or desc");
        int limit = ListPage.limit(limitText);
        int from = 0;
        if (after != null) {
            from = -1;
            for (int i = 0; i < items.size() && from < 0; i++) {
                if (after.equals(items.get(i).path("id").asText())) from = i + 1;
            }
            if (from < 0) throw ApiException.invalid("after", "'after' is not an item of this response");
        }
        int to = Math.min(items.size(), from + limit);
        ObjectNode page = Json.object().put("object", "list");
        ArrayNode data = page.putArray("data");
        items.subList(from, to).forEach(data::add);
        if (data.isEmpty()) {
            page.putNull("first_id");
            page.putNull("last_id");
        } else {
            page.put("first_id", data.get(0).path("id").asText());
            page.put("last_id", data.get(data.size() - 1).path("id").asText());
        }
        page.put("has_more", to < items.size());
        return page;
    }
}
