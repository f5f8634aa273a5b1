package dev.tollgate.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.util.Iterator;
import java.util.Map;

/** A request's {@code metadata} map as stored tags: at most 16 string entries, 1 KiB of JSON. */
final class Tags {
    private Tags() {}

    static String bounded(JsonNode metadata) {
        ObjectNode out = Json.object();
        int size = 2;
        Iterator<Map.Entry<String, JsonNode>> it = metadata.fields();
        while (it.hasNext() && out.size() < UsageFacts.TAGS_MAX) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = UsageFacts.clip(e.getKey());
            String value = UsageFacts.clip(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            size += key.length() + value.length() + 6;
            if (size > UsageFacts.TAGS_CHARS_MAX) break;
            out.put(key, value);
        }
        return out.toString();
    }
}
