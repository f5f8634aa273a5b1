package dev.tollgate.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema → Gemini's OpenAPI-subset {@code Schema}, when the schema is simple enough to say the
 * same thing there. Gemini's classic fields ({@code parameters}, {@code responseSchema}) accept only
 * that subset; anything richer ($ref, anyOf, open additionalProperties) returns null and the caller
 * sends the schema untouched through the JSON-Schema fields instead ({@code responseJsonSchema},
 * {@code parametersJsonSchema}), so nothing the caller asked for is dropped on the way.
 */
final class GeminiSchema {
    /** Keys copied as they are (after recursion where they hold schemas). */
    private static final Set<String> KEPT = Set.of("type", "description", "properties", "items", "required",
            "enum", "nullable", "format", "minItems", "maxItems", "minimum", "maximum", "propertyOrdering",
            "anyOf", "minLength", "maxLength", "pattern", "minProperties", "maxProperties");
    /** Keys that only annotate or restate the default, safe to leave out. */
    private static final Set<String> IGNORED = Set.of("$schema", "title", "strict", "default", "examples");

    private GeminiSchema() {}

    /** The Gemini Schema for {@code schema}, or null when it uses something the subset cannot express. */
    static ObjectNode simplify(JsonNode schema) {
        if (schema == null || !schema.isObject()) return null;
        ObjectNode out = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (IGNORED.contains(key)) continue;
            if (key.equals("additionalProperties")) {
                if (value.isBoolean() && !value.asBoolean()) continue; // Gemini objects are closed anyway
                return null;
            }
            if (!KEPT.contains(key)) return null;
            switch (key) {
                case "type" -> {
                    if (!type(value, out)) return null;
                }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    for (Iterator<Map.Entry<String, JsonNode>> p = value.fields(); p.hasNext(); ) {
                        Map.Entry<String, JsonNode> prop = p.next();
                        ObjectNode simple = simplify(prop.getValue());
                        if (simple == null) return null;
                        props.set(prop.getKey(), simple);
                    }
                }
                case "anyOf" -> {
                    if (!value.isArray() || value.isEmpty()) return null;
                    var any = out.putArray("anyOf");
                    for (JsonNode option : value) {
                        ObjectNode simple = simplify(option);
                        if (simple == null) return null;
                        any.add(simple);
                    }
                }
                case "items" -> {
                    ObjectNode simple = simplify(value);
                    if (simple == null) return null;
                    out.set("items", simple);
                }
                default -> out.set(key, value);
            }
        }
        return out;
    }

    /** "string" → "STRING"; ["string", "null"] → STRING + nullable. */
    private static boolean type(JsonNode value, ObjectNode out) {
        if (value.isTextual()) {
            out.put("type", value.asText().toUpperCase(Locale.ROOT));
            return true;
        }
        if (!value.isArray()) return false;
        String type = null;
        for (JsonNode t : value) {
            if (t.asText().equals("null")) out.put("nullable", true);
            else if (type == null) type = t.asText();
            else return false; // a real union has no counterpart in the subset
        }
        if (type == null) return false;
        out.put("type", type.toUpperCase(Locale.ROOT));
        return true;
    }
}
