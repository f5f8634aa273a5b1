package dev.tollgate.api.items;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import java.util.Set;

/**
 * Responses API input items (also what a conversation holds), both ways they matter here: validated and
 * normalised as they are stored (every message an item of {@code type: message} with a content array, every
 * item with an id), and turned into chat messages. Shared by the Responses API and conversations.
 * Item kinds served: {@code message}, {@code function_call}, {@code function_call_output}; a stored
 * {@code reasoning} item is carried in history but not sent (chat has no place for it). Anything else
 * (item references, built-in tool calls) is refused naming the item.
 */
public final class Items {
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
    /** Content parts that are not text: they keep a message in parts form. */
    private static final Set<String> MEDIA = Set.of("input_image", "input_file", "input_audio");

    private Items() {}

    /** {@code input} as stored: a string becomes one user message; items are checked and normalised. */
    public static ArrayNode normalise(JsonNode input) {
        if (input != null && input.isTextual()) {
            ArrayNode out = Json.NODES.arrayNode();
            out.add(withId(message("user", Json.NODES.arrayNode().add(part("input_text", input.asText())))));
            return out;
        }
        return normalise(input, "input");
    }

    /** An array of items named {@code field} in errors (null: none), checked and normalised. */
    public static ArrayNode normalise(JsonNode items, String field) {
        ArrayNode out = Json.NODES.arrayNode();
        if (items == null || items.isNull()) return out;
        if (!items.isArray()) {
            throw ApiException.invalid(field, field.equals("input") ? "'input' must be a string or an array of input items"
                    : "'" + field + "' must be an array of items");
        }
        for (int i = 0; i < items.size(); i++) out.add(withId(item(items.get(i), field + "[" + i + "]")));
        return out;
    }

    /**
     * Every stored item has an id, as {@code GET /v1/responses/{id}/input_items} lists them (and its
     * cursors name them): the caller's own, else a new one. An assistant message also gets the
     * {@code status} an output message has.
     */
    private static ObjectNode withId(ObjectNode item) {
        String type = item.path("type").asText();
        if (!item.path("id").isTextual()) {
            String prefix = switch (type) {
                case "message" -> "msg_";
                case "function_call" -> "fc_";
                case "function_call_output" -> "fco_";
                default -> "rs_";
            };
            ObjectNode copy = Json.object().put("id", OutputItems.newId(prefix));
            copy.setAll(item);
            item = copy;
        }
        if (type.equals("message") && item.path("role").asText().equals("assistant") && !item.has("status")) {
            item.put("status", "completed");
        }
        return item;
    }

    /** A conversation's message carries a {@code status} (the SDKs require it): completed unless it says. */
    public static ObjectNode withStatus(ObjectNode item) {
        if (item.path("type").asText().equals("message") && !item.has("status")) item.put("status", "completed");
        return item;
    }

    private static ObjectNode item(JsonNode item, String at) {
        if (!item.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object");
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        return switch (type) {
            case "message" -> messageItem(item, at);
            case "function_call" -> {
                ObjectNode call = Json.object().put("type", "function_call");
                call.put("call_id", text(item, "call_id", at));
                call.put("name", text(item, "name", at));
                call.put("arguments", text(item, "arguments", at));
                if (item.path("id").isTextual()) call.put("id", item.get("id").asText());
                yield call;
            }
            case "function_call_output" -> {
                JsonNode output = item.get("output");
                if (output == null || !(output.isTextual() || output.isArray())) {
                    throw ApiException.invalid(at + ".output", "'" + at + ".output' must be a string");
                }
                ObjectNode result = Json.object().put("type", "function_call_output").put("call_id", text(item, "call_id", at));
                result.set("output", output);
                yield result;
            }
            case "reasoning" -> (ObjectNode) item.deepCopy(); // kept in history, never sent upstream
            case "" -> throw ApiException.invalid(at + ".type", "Missing required parameter: '" + at + ".type'");
            default -> throw ApiException.invalid(at + ".type", "Input item type '" + type + "' in '" + at
                    + "' is not supported by Tollgate (supported: message, function_call, function_call_output, reasoning)");
        };
    }

    private static ObjectNode messageItem(JsonNode item, String at) {
        String role = item.path("role").asText("");
        if (!ROLES.contains(role)) {
            throw ApiException.invalid(at + ".role", "'" + at + ".role' must be one of user, assistant, system, developer");
        }
        JsonNode content = item.get("content");
        ArrayNode parts = Json.NODES.arrayNode();
        if (content != null && content.isTextual()) {
            parts.add(part(role.equals("assistant") ? "output_text" : "input_text", content.asText()));
        } else if (content != null && content.isArray()) {
            for (int i = 0; i < content.size(); i++) parts.add(contentPart(content.get(i), at + ".content[" + i + "]"));
        } else {
            throw ApiException.invalid(at + ".content", "'" + at + ".content' must be a string or an array of content parts");
        }
        ObjectNode m = message(role, parts);
        if (item.path("id").isTextual()) m.put("id", item.get("id").asText());
        return m;
    }

    private static ObjectNode contentPart(JsonNode part, String at) {
        String type = part.path("type").asText("");
        return switch (type) {
            case "input_text", "output_text" -> part(type, text(part, "text", at));
            case "refusal" -> Json.object().put("type", "refusal").put("refusal", text(part, "refusal", at));
            case "input_image" -> {
                if (!part.path("image_url").isTextual()) {
                    throw ApiException.invalid(at + ".image_url", "'" + at + ".image_url' must be a URL or a data URL"
                            + " (file_id images are not supported: Tollgate has no Files API)");
                }
                ObjectNode image = Json.object().put("type", "input_image").put("image_url", part.get("image_url").asText());
                if (part.path("detail").isTextual()) image.put("detail", part.get("detail").asText());
                yield image;
            }
            case "input_file" -> inputFile(part, at);
            case "input_audio" -> {
                JsonNode audio = part.path("input_audio");
                text(audio, "data", at + ".input_audio");
                text(audio, "format", at + ".input_audio");
                ObjectNode copy = Json.object().put("type", "input_audio");
                copy.putObject("input_audio").put("data", audio.get("data").asText()).put("format", audio.get("format").asText());
                yield copy;
            }
            default -> throw ApiException.invalid(at + ".type", "Content part type '" + type + "' in '" + at
                    + "' is not supported by Tollgate (supported: input_text, input_image, input_file, input_audio,"
                    + " output_text, refusal)");
        };
    }

    /** A file as inline data ({@code file_data}, a data URL) or a URL ({@code file_url}); file ids need a Files API. */
    private static ObjectNode inputFile(JsonNode part, String at) {
        ObjectNode file = Json.object().put("type", "input_file");
        if (part.path("file_data").isTextual()) file.put("file_data", part.get("file_data").asText());
        else if (part.path("file_url").isTextual()) file.put("file_url", part.get("file_url").asText());
        else throw ApiException.invalid(at + ".file_data", "'" + at + "' must carry 'file_data' (a data URL) or 'file_url'"
                    + " (file_id is not supported: Tollgate has no Files API)");
        if (part.path("filename").isTextual()) file.put("filename", part.get("filename").asText());
        return file;
    }

    /**
     * The chat messages for these items, in order. Consecutive function calls (with or after an
     * assistant message) become one assistant message with {@code tool_calls}, as chat requires.
     */
    public static void toMessages(Iterable<JsonNode> items, ArrayNode messages) {
        ObjectNode assistant = null; // the assistant message function calls attach to, while one is open
        for (JsonNode item : items) {
            switch (item.path("type").asText()) {
                case "message" -> {
                    ObjectNode m = chatMessage(item);
                    messages.add(m);
                    assistant = item.path("role").asText().equals("assistant") ? m : null;
                }
                case "function_call" -> {
                    if (assistant == null) {
                        assistant = messages.addObject().put("role", "assistant");
                        assistant.putNull("content");
                    }
                    ObjectNode call = assistant.withArrayProperty("tool_calls").addObject();
                    call.put("id", item.path("call_id").asText()).put("type", "function");
                    call.putObject("function").put("name", item.path("name").asText())
                            .put("arguments", item.path("arguments").asText());
                }
                case "function_call_output" -> {
                    JsonNode output = item.get("output");
                    messages.addObject().put("role", "tool").put("tool_call_id", item.path("call_id").asText())
                            .put("content", output.isTextual() ? output.asText() : outputText(output));
                    assistant = null;
                }
                default -> { } // reasoning: chat has no field for earlier turns' reasoning
            }
        }
    }

    /** Text-only content becomes a plain string (every provider adapter takes one); images, files and audio make parts. */
    private static ObjectNode chatMessage(JsonNode item) {
        ObjectNode m = Json.object().put("role", item.path("role").asText());
        boolean textOnly = true;
        StringBuilder text = new StringBuilder();
        for (JsonNode p : item.path("content")) {
            String type = p.path("type").asText();
            if (MEDIA.contains(type)) textOnly = false;
            else text.append(type.equals("refusal") ? p.path("refusal").asText() : p.path("text").asText());
        }
        if (textOnly) {
            m.put("content", text.toString());
            return m;
        }
        ArrayNode parts = m.putArray("content");
        for (JsonNode p : item.path("content")) {
            String type = p.path("type").asText();
            if (type.equals("input_image")) {
                ObjectNode url = parts.addObject().put("type", "image_url").putObject("image_url");
                url.put("url", p.path("image_url").asText());
                if (p.has("detail")) url.put("detail", p.path("detail").asText());
            } else if (type.equals("input_file")) { // chat's file part; a URL goes in file_data, as OpenRouter takes it
                ObjectNode file = parts.addObject().put("type", "file").putObject("file");
                file.put("file_data", p.path("file_data").asText(p.path("file_url").asText()));
                if (p.has("filename")) file.put("filename", p.path("filename").asText());
            } else if (type.equals("input_audio")) {
                parts.addObject().put("type", "input_audio").set("input_audio", p.get("input_audio"));
            } else {
                parts.addObject().put("type", "text").put("text", p.path("text").asText(p.path("refusal").asText()));
            }
        }
        return m;
    }

    /** A function output given as content parts: its text parts joined (chat tool messages are text). */
    private static String outputText(JsonNode parts) {
        StringBuilder text = new StringBuilder();
        for (JsonNode p : parts) text.append(p.path("text").asText(""));
        return text.toString();
    }

    public static ObjectNode message(String role, ArrayNode content) {
        ObjectNode m = Json.object().put("type", "message").put("role", role);
        m.set("content", content);
        return m;
    }

    private static ObjectNode part(String type, String text) {
        ObjectNode p = Json.object().put("type", type).put("text", text);
        if (type.equals("output_text")) p.putArray("annotations");
        return p;
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) throw ApiException.invalid(at + "." + field, "'" + at + "." + field + "' must be a string");
        return v.asText();
    }
}
