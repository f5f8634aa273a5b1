package dev.tollgate.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;

/**
 * OpenAI's {@code response_format} ({@code json_schema} or {@code json_object}) on Anthropic, which has no such field:
 * one extra tool, {@value #NAME}, whose {@code input_schema} is the requested schema, and a {@code tool_choice} that
 * forces it. Anthropic then answers with a {@code tool_use} block whose {@code input} is JSON matching the schema;
 * the response translators turn that input back into the message content (docs/structured-outputs.md).
 *
 * <p>Anthropic wants a tool's {@code input_schema} to be an object schema; any other root (an array, a string) is
 * wrapped as the property {@value #WRAPPER} of an object and unwrapped from the answer ({@link #wrapped()}).
 * When the request has tools of its own, they stay, and the model must call one of them or {@value #NAME}
 * ({@code tool_choice: any}) unless the caller chose otherwise. With extended thinking, which Anthropic does not
 * allow with a forced tool, the choice is {@code auto}.
 */
record JsonAnswerTool(ObjectNode schema, boolean wrapped) {
    static final String NAME = "json_answer";
    static final String WRAPPER = "value";
    private static final String DESCRIPTION = "Give your final answer by calling this tool: its input is the answer, "
            + "as JSON that matches the schema. Do not answer in text.";

    /** The tool the request needs, or null when it asks for no JSON answer. */
    static JsonAnswerTool of(JsonNode req) {
        JsonNode format = req.get("response_format");
        if (format == null || !format.isObject()) return null;
        return switch (format.path("type").asText("")) {
            case "json_object" -> new JsonAnswerTool(Json.object().put("type", "object"), false);
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema").get("schema");
                if (schema == null || !schema.isObject()) yield new JsonAnswerTool(Json.object().put("type", "object"), false);
                if ("object".equals(schema.path("type").asText())) yield new JsonAnswerTool((ObjectNode) schema, false);
                ObjectNode wrapper = Json.object().put("type", "object");
                wrapper.putObject("properties").set(WRAPPER, schema);
                wrapper.putArray("required").add(WRAPPER);
                yield new JsonAnswerTool(wrapper, true);
            }
            default -> null;
        };
    }

    /** Adds the tool to {@code out} (an Anthropic request) and forces it unless the request chose a tool_choice. */
    void addTo(ObjectNode out, boolean callerChoseToolChoice) {
        ArrayNode tools = out.has("tools") ? (ArrayNode) out.get("tools") : out.putArray("tools");
        boolean ownTools = !tools.isEmpty();
        ObjectNode tool = tools.addObject();
        tool.put("name", NAME);
        tool.put("description", DESCRIPTION);
        tool.set("input_schema", schema);
        if (callerChoseToolChoice && out.has("tool_choice")) return;
        // Anthropic refuses a forced tool_choice ("any" or "tool") with extended thinking: then only the
        // description asks for the tool, and the gateway's validation (and repair) checks the answer
        boolean thinking = "enabled".equals(out.path("thinking").path("type").asText());
        ObjectNode choice = thinking ? Json.object().put("type", "auto")
                : ownTools ? Json.object().put("type", "any") : Json.object().put("type", "tool").put("name", NAME);
        if (out.path("tool_choice").path("disable_parallel_tool_use").asBoolean(false)) choice.put("disable_parallel_tool_use", true);
        out.set("tool_choice", choice);
    }

    /** The message content for the tool's {@code input}: the JSON text of the answer. */
    String content(JsonNode input) {
        return (wrapped ? input.path(WRAPPER) : input).toString();
    }
}
