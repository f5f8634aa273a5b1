package dev.tollgate.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tollgate.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** A key's allowed models as stored: a JSON array of public names in a TEXT column; NULL = every model. */
final class KeyModels {
    private KeyModels() {}

    static String toJson(Set<String> models) {
        if (models == null) return null;
        ArrayNode array = Json.NODES.arrayNode();
        models.forEach(array::add);
        return new String(Json.bytes(array), StandardCharsets.UTF_8);
    }

    static Set<String> fromJson(String text) {
        if (text == null) return null;
        JsonNode array = Json.parseOrNull(text.getBytes(StandardCharsets.UTF_8));
        if (array == null || !array.isArray()) throw new IllegalStateException("api_keys.models is not a JSON array: " + text);
        Set<String> out = new LinkedHashSet<>();
        array.forEach(m -> out.add(m.asText()));
        return Collections.unmodifiableSet(out);
    }
}
