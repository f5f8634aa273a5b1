package dev.tollgate.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.Usage;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The pure pieces of a Responses API {@code response} object: the skeleton every answer and event
 * carries (every field the official SDKs require, the request's settings echoed), the output items of
 * a chat answer, the status a finish_reason means, and the billed usage with its {@code cost}.
 */
final class ResponseObject {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResponseObject() {}

    /** A fresh id with OpenAI's prefix for its kind: resp_, msg_, fc_, rs_. */
    static String newId(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    /** The response before any output: {@code status} in_progress, no output, no usage. */
    static ObjectNode skeleton(String id, long createdAtS, String model, ObjectNode echo) {
        ObjectNode r = Json.object();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAtS);
        r.put("status", "in_progress");
        r.put("background", false);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.put("model", model);
        r.putArray("output");
        r.setAll(echo);
        r.putNull("usage");
        return r;
    }

    /** The finished response: its output, the status the finish reason means, and the billed usage. */
    static ObjectNode finish(ObjectNode response, ArrayNode output, String finishReason, Reservation.Charged charged) {
        String incomplete = incompleteReason(finishReason);
        response.put("status", incomplete == null ? "completed" : "incomplete");
        if (incomplete != null) response.putObject("incomplete_details").put("reason", incomplete);
        response.set("output", output);
        response.set("usage", usage(charged));
        return response;
    }

    /** The response a stream that broke after it started ends with. */
    static ObjectNode failed(ObjectNode response, ArrayNode output, String code, String message) {
        response.put("status", "failed");
        response.putObject("error").put("code", code).put("message", message);
        response.set("output", output);
        return response;
    }

    /** null for a natural end (and tool calls); otherwise why the answer stopped short. */
    static String incompleteReason(String finishReason) {
        return switch (finishReason == null ? "" : finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
    }

    /** A complete chat answer's choice 0 as output items: reasoning, then the message, then function calls. */
    static ArrayNode output(JsonNode choice) {
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

    static ObjectNode message(String id, String status) {
        ObjectNode item = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("status", status);
        item.putArray("content");
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        return Json.object().put("id", id).put("type", "function_call").put("status", status)
                .put("call_id", callId).put("name", name).put("arguments", arguments);
    }

    /** The provider's reasoning text; summaries are not produced (no provider returns OpenAI's). */
    static ObjectNode reasoning(String id, String text) {
        ObjectNode item = Json.object().put("id", id).put("type", "reasoning");
        item.putArray("summary");
        item.putArray("content").addObject().put("type", "reasoning_text").put("text", text);
        return item;
    }

    /** The usage Tollgate billed, in the Responses shape, with {@code cost} (credits) as on chat. */
    static ObjectNode usage(Reservation.Charged charged) {
        Usage u = charged.usage();
        ObjectNode usage = Json.object();
        usage.put("input_tokens", u.promptTokens());
        usage.putObject("input_tokens_details").put("cached_tokens", u.cachedPromptTokens());
        usage.put("output_tokens", u.completionTokens());
        usage.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        usage.put("total_tokens", u.totalTokens());
        usage.put("cost", Cost.toCreditsDecimal(charged.costMicros()));
        return usage;
    }
}
