package dev.tollgate.api.items;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat-completions messages as items (the inverse of {@link Items#toMessages}), so a chat request continuing a
 * conversation stores what it said in the same item model the Conversations and Responses APIs read back: text and
 * image parts become {@code input_text} / {@code input_image} (an assistant's text {@code output_text}), an
 * assistant's {@code tool_calls} become {@code function_call} items, a tool message a {@code function_call_output}.
 * Messages are already validated by the chat parser; every item gets an id and a message its status.
 */
public final class ChatItems {
    private ChatItems() {}

    public static List<ObjectNode> fromMessages(Iterable<JsonNode> messages) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            switch (role) {
                case "tool", "function" -> out.add(Json.object().put("id", OutputItems.newId("fco_"))
                        .put("type", "function_call_output").put("call_id", m.path("tool_call_id").asText(""))
                        .put("output", text(m.get("content"))));
                default -> {
                    ArrayNode parts = parts(m.get("content"), role.equals("assistant") ? "output_text" : "input_text");
                    if (!parts.isEmpty()) {
                        ObjectNode item = Items.message(role.equals("function") ? "user" : role, parts);
                        ObjectNode withId = Json.object().put("id", OutputItems.newId("msg_"));
                        withId.setAll(item);
                        out.add(Items.withStatus(withId));
                    }
                    for (JsonNode call : m.path("tool_calls")) {
                        out.add(OutputItems.functionCall(OutputItems.newId("fc_"), call.path("id").asText(""),
                                call.path("function").path("name").asText(""),
                                call.path("function").path("arguments").asText(""), "completed"));
                    }
                }
            }
        }
        return out;
    }

    private static ArrayNode parts(JsonNode content, String textType) {
        ArrayNode parts = Json.NODES.arrayNode();
        if (content == null || content.isNull()) return parts;
        if (content.isTextual()) {
            parts.add(part(textType, content.asText()));
            return parts;
        }
        for (JsonNode p : content) {
            switch (p.path("type").asText()) {
                case "text" -> parts.add(part(textType, p.path("text").asText("")));
                case "image_url" -> {
                    ObjectNode image = parts.addObject().put("type", "input_image")
                            .put("image_url", p.path("image_url").path("url").asText(""));
                    if (p.path("image_url").path("detail").isTextual()) image.put("detail", p.path("image_url").path("detail").asText());
                }
                case "refusal" -> parts.addObject().put("type", "refusal").put("refusal", p.path("refusal").asText(""));
                default -> { } // audio and files have no item part Tollgate serves; the chat request still carried them
            }
        }
        return parts;
    }

    private static ObjectNode part(String type, String text) {
        return type.equals("output_text") ? OutputItems.outputText(text) : Json.object().put("type", type).put("text", text);
    }

    private static String text(JsonNode content) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder text = new StringBuilder();
        for (JsonNode p : content) text.append(p.path("text").asText(""));
        return text.toString();
    }
}
