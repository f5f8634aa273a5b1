package dev.tollgate.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;

/**
 * The mock's answer to a request with a {@code response_format} (docs/structured-outputs.md): a small JSON value
 * that a simple schema accepts, so the demo shows {@code x-tollgate-schema: valid}. Objects get their required
 * properties (all, when none are required), strings "mock", numbers their minimum or 0, arrays their minItems,
 * enums and consts their first value, unions their first branch. Without spaces, so the mock streams it as one word.
 */
final class MockJson {
    private static final int DEPTH_MAX = 8;
    /** A caller's minItems is not a reason to build a huge answer: the mock answers at most this many items. */
    private static final int ITEMS_MAX = 16;

    private MockJson() {}

    /** The JSON answer the request's response_format asks for, or null when it asks for none. */
    static String answer(JsonNode request) {
        JsonNode format = request.path("response_format");
        return switch (format.path("type").asText("")) {
            case "json_object" -> "{\"answer\":\"mock\"}";
            case "json_schema" -> format.at("/json_schema/schema").isObject()
                    ? instance(format.at("/json_schema/schema"), 0).toString() : "{}";
            default -> null;
        };
    }

    static JsonNode instance(JsonNode schema, int depth) {
        if (schema.has("const")) return schema.get("const");
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) return schema.path("enum").get(0);
        for (String union : new String[] {"anyOf", "oneOf"}) {
            if (schema.path(union).isArray() && !schema.path(union).isEmpty()) return instance(schema.path(union).get(0), depth + 1);
        }
        if (depth > DEPTH_MAX) return Json.NODES.nullNode();
        return switch (type(schema)) {
            case "object" -> object(schema, depth);
            case "array" -> {
                ArrayNode out = Json.NODES.arrayNode();
                for (int i = 0; i < Math.min(schema.path("minItems").asInt(0), ITEMS_MAX); i++) out.add(instance(schema.path("items"), depth + 1));
                yield out;
            }
            case "string" -> Json.NODES.textNode("mock");
            case "integer" -> Json.NODES.numberNode(schema.path("minimum").asLong(0));
            case "number" -> Json.NODES.numberNode(schema.path("minimum").asDouble(0));
            case "boolean" -> Json.NODES.booleanNode(true);
            case "null" -> Json.NODES.nullNode();
            default -> Json.object();
        };
    }

    private static JsonNode object(JsonNode schema, int depth) {
        ObjectNode out = Json.object();
        JsonNode props = schema.path("properties");
        JsonNode required = schema.path("required");
        if (required.isArray() && !required.isEmpty()) {
            for (JsonNode name : required) out.set(name.asText(), instance(props.path(name.asText()), depth + 1));
        } else {
            props.fieldNames().forEachRemaining(name -> out.set(name, instance(props.path(name), depth + 1)));
        }
        return out;
    }

    /** The schema's type; the first non-null one of a list; "object" when it names properties, else "". */
    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isTextual()) return type.asText();
        if (type.isArray()) {
            for (JsonNode t : type) if (!t.asText().equals("null")) return t.asText();
        }
        return schema.has("properties") ? "object" : "";
    }
}
