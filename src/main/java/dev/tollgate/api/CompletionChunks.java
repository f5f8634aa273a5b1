package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored {@code chat.completion} replayed as a stream: per choice one chunk whose delta is the whole message
 * (role, content, reasoning, tool calls with their {@code index}), then one with its {@code finish_reason}. Joined,
 * the deltas are exactly the stored message.
 */
final class CompletionChunks {
    private CompletionChunks() {}

    static List<byte[]> of(ObjectNode completion) {
        List<byte[]> out = new ArrayList<>();
        for (JsonNode choice : completion.path("choices")) {
            ObjectNode delta = choice.path("message").isObject() ? ((ObjectNode) choice.get("message")).deepCopy() : Json.object();
            if (delta.get("tool_calls") instanceof ArrayNode calls) {
                for (int i = 0; i < calls.size(); i++) {
                    if (calls.get(i) instanceof ObjectNode call) call.put("index", i);
                }
            }
            ObjectNode first = chunk(completion, choice.path("index").asInt());
            ((ObjectNode) first.withArray("choices").get(0)).set("delta", delta);
            out.add(Json.bytes(first));
            ObjectNode last = chunk(completion, choice.path("index").asInt());
            ObjectNode c = (ObjectNode) last.withArray("choices").get(0);
            c.putObject("delta");
            c.set("finish_reason", choice.path("finish_reason").isMissingNode() ? Json.NODES.nullNode() : choice.get("finish_reason"));
            out.add(Json.bytes(last));
        }
        return out;
    }

    /** The trailing usage chunk, or null when the completion carries no usage. */
    static String usageChunk(ObjectNode completion) {
        if (!completion.path("usage").isObject()) return null;
        ObjectNode chunk = header(completion);
        chunk.putArray("choices");
        chunk.set("usage", completion.get("usage").deepCopy());
        return new String(Json.bytes(chunk), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static ObjectNode chunk(ObjectNode completion, int index) {
        ObjectNode chunk = header(completion);
        chunk.putArray("choices").addObject().put("index", index);
        return chunk;
    }

    private static ObjectNode header(ObjectNode completion) {
        ObjectNode chunk = Json.object();
        chunk.set("id", completion.path("id").isMissingNode() ? Json.NODES.textNode("chatcmpl-cache") : completion.get("id"));
        chunk.put("object", "chat.completion.chunk");
        if (completion.has("created")) chunk.set("created", completion.get("created"));
        if (completion.has("model")) chunk.set("model", completion.get("model"));
        return chunk;
    }
}
