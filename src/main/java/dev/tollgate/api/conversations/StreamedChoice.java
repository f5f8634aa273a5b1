package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * Choice 0 of a streamed chat answer, put back together from its chunks as the {@code choices[0]} of a complete
 * answer would be (content, reasoning, tool calls by index, finish reason), so one function turns either into items.
 * Not thread-safe: one per stream, fed in order.
 */
final class StreamedChoice {
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final Map<Integer, ObjectNode> calls = new TreeMap<>();
    private String finishReason;

    void accept(byte[] chunkJson) {
        JsonNode chunk = Json.parseOrNull(chunkJson);
        if (chunk == null) return; // adapters emit valid JSON; a bad chunk carries nothing to keep
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) continue;
            JsonNode delta = choice.path("delta");
            content.append(delta.path("content").asText(""));
            reasoning.append(delta.path("reasoning_content").asText(""));
            for (JsonNode fragment : delta.path("tool_calls")) {
                ObjectNode call = calls.computeIfAbsent(fragment.path("index").asInt(calls.size()), i -> {
                    ObjectNode c = Json.object().put("id", "").put("type", "function");
                    c.putObject("function").put("name", "").put("arguments", "");
                    return c;
                });
                if (fragment.path("id").isTextual()) call.put("id", fragment.get("id").asText());
                ObjectNode fn = (ObjectNode) call.get("function");
                JsonNode f = fragment.path("function");
                if (f.path("name").isTextual()) fn.put("name", fn.path("name").asText() + f.get("name").asText());
                if (f.path("arguments").isTextual()) fn.put("arguments", fn.path("arguments").asText() + f.get("arguments").asText());
            }
            if (choice.path("finish_reason").isTextual()) finishReason = choice.get("finish_reason").asText();
        }
    }

    /** {@code {"message":{content, reasoning_content, tool_calls}, "finish_reason"}} as received so far. */
    ObjectNode choice() {
        ObjectNode choice = Json.object();
        ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", content.toString());
        if (!reasoning.isEmpty()) message.put("reasoning_content", reasoning.toString());
        if (!calls.isEmpty()) calls.values().forEach(message.withArrayProperty("tool_calls")::add);
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return choice;
    }
}
