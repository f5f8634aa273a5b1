package dev.tollgate.routing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The capabilities a chat request (OpenAI format) needs from a model: {@code tools} when it
 * defines tools (or legacy functions), {@code vision} when a message has an image part,
 * {@code json_schema} when it asks for {@code response_format: json_schema}. One walk over the
 * message list, no text read.
 */
record Needs(boolean tools, boolean vision, boolean jsonSchema) {
    static Needs of(JsonNode body) {
        boolean tools = nonEmptyArray(body.path("tools")) || nonEmptyArray(body.path("functions"));
        boolean jsonSchema = body.path("response_format").path("type").asText("").equals("json_schema");
        return new Needs(tools, hasImage(body.path("messages")), jsonSchema);
    }

    /** The capability names ({@code TollgateConfig.Model.CAPABILITIES}) this request needs. */
    List<String> names() {
        List<String> out = new ArrayList<>(3);
        if (tools) out.add("tools");
        if (vision) out.add("vision");
        if (jsonSchema) out.add("json_schema");
        return out;
    }

    private static boolean hasImage(JsonNode messages) {
        for (JsonNode m : messages) {
            JsonNode content = m.path("content");
            if (!content.isArray()) continue;
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if (type.equals("image_url") || type.equals("input_image")) return true;
            }
        }
        return false;
    }

    private static boolean nonEmptyArray(JsonNode v) {
        return v.isArray() && !v.isEmpty();
    }
}
