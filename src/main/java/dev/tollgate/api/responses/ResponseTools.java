package dev.tollgate.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;

/**
 * Responses API tools as chat tools. Function tools are flat in Responses ({@code {type, name,
 * description, parameters, strict}}) and nested in chat; built-in tools (web_search, file_search,
 * code_interpreter, computer use, MCP, image generation…) run inside OpenAI and are refused by name.
 */
final class ResponseTools {
    private ResponseTools() {}

    static ArrayNode tools(JsonNode tools) {
        ArrayNode out = Json.NODES.arrayNode();
        if (tools == null || tools.isNull()) return out;
        if (!tools.isArray()) throw ApiException.invalid("tools", "'tools' must be an array");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String at = "tools[" + i + "]";
            String type = t.path("type").asText("");
            if (!type.equals("function")) {
                throw ApiException.invalid(at + ".type", "Tool type '" + type + "' is not supported by Tollgate: "
                        + "built-in tools run inside OpenAI; only 'function' tools are served on every provider");
            }
            if (!t.path("name").isTextual() || t.path("name").asText().isBlank()) {
                throw ApiException.invalid(at + ".name", "Missing required parameter: '" + at + ".name'");
            }
            ObjectNode function = out.addObject().put("type", "function").putObject("function");
            for (String f : new String[] {"name", "description", "parameters", "strict"}) {
                if (t.hasNonNull(f)) function.set(f, t.get(f));
            }
        }
        return out;
    }

    /** {@code auto} / {@code none} / {@code required}, or one named function; null when not given. */
    static JsonNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) return null;
        if (choice.isTextual() && java.util.Set.of("auto", "none", "required").contains(choice.asText())) return choice;
        if (choice.isObject() && choice.path("type").asText().equals("function") && choice.path("name").isTextual()) {
            ObjectNode out = Json.object().put("type", "function");
            out.putObject("function").put("name", choice.get("name").asText());
            return out;
        }
        throw ApiException.invalid("tool_choice", "'tool_choice' must be auto, none, required or "
                + "{\"type\":\"function\",\"name\":…} (built-in tools are not supported)");
    }

    /**
     * The tools as a response repeats them: every field present (the SDKs require them), null where the
     * request gave none. {@code strict} is not defaulted to true as OpenAI does: it is what the provider got.
     */
    static ArrayNode echo(JsonNode tools) {
        ArrayNode out = Json.NODES.arrayNode();
        if (tools == null || !tools.isArray()) return out;
        for (JsonNode t : tools) {
            ObjectNode tool = out.addObject().put("type", "function");
            for (String f : new String[] {"name", "description", "parameters", "strict"}) {
                if (t.hasNonNull(f)) tool.set(f, t.get(f));
                else if (f.equals("strict")) tool.put(f, false);
                else tool.putNull(f);
            }
        }
        return out;
    }
}
