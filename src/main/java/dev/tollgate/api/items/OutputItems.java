package dev.tollgate.api.items;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Output items, as the Responses API answers them and a conversation stores them: an assistant message,
 * a function call, reasoning; built from a chat answer's choice. Shared by the Responses API and
 * conversations, so an answer looks the same wherever it is read back.
 */
public final class OutputItems {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OutputItems() {}


    /** A fresh id with OpenAI's prefix for its kind: resp_, msg_, fc_, rs_. */
    public static String newId(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }


    /** null for a natural end (and tool calls); otherwise why the answer stopped short. */
    public static String incompleteReason(String finishReason) {
        return switch (finishReason == null ? "" : finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
    }


    /** A complete chat answer's choice 0 as output items: reasoning, then the message, then function calls. */
    public static ArrayNode output(JsonNode choice) {
        JsonNode message = choice.path("message");
        boolean incomplete = incompleteReason(choice.path("finish_reason").asText(null)) != null;
        ArrayNode output = Json.NODES.arrayNode();
        String reasoning = message.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) output.add(reasoning(newId("rs_"), reasoning));
        String text = message.path("content").isTextual() ? message.path("content").asText() : "";
        String refusal = message.path("refusal").isTextual() ? message.path("refusal").asText() : "";
        if (!text.isEmpty() || !refusal.isEmpty()) {
            ObjectNode item = message(newId("msg_"), incomplete ? "incomplete" : "completed");
            if (!text.isEmpty()) item.withArrayProperty("content").add(outputText(text));
            if (!refusal.isEmpty()) item.withArrayProperty("content").addObject().put("type", "refusal").put("refusal", refusal);
            output.add(item);
        }
        for (JsonNode call : message.path("tool_calls")) {
            output.add(functionCall(newId("fc_"), call.path("id").asText(""), call.path("function").path("name").asText(""),
                    call.path("function").path("arguments").asText(""), "completed"));
        }
        return output;
    }


    public static ObjectNode message(String id, String status) {
        ObjectNode item = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("status", status);
        item.putArray("content");
        return item;
    }


    public static ObjectNode outputText(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }


    public static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        return Json.object().put("id", id).put("type", "function_call").put("status", status)
                .put("call_id", callId).put("name", name).put("arguments", arguments);
    }


    /** The provider's reasoning text; summaries are not produced (no provider returns OpenAI's). */
    public static ObjectNode reasoning(String id, String text) {
        ObjectNode item = Json.object().put("id", id).put("type", "reasoning");
        item.putArray("summary");
        item.putArray("content").addObject().put("type", "reasoning_text").put("text", text);
        return item;
    }

}
