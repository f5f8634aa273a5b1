package dev.tollgate.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.api.items.OutputItems;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.Usage;

/**
 * The pure pieces of a Responses API {@code response} object: the skeleton every answer and event
 * carries (every field the official SDKs require, the request's settings echoed), the output items of
 * a chat answer, the status a finish_reason means, and the billed usage with its {@code cost}.
 */
final class ResponseObject {
    private ResponseObject() {}

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
        String incomplete = OutputItems.incompleteReason(finishReason);
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
