package dev.tollgate.routing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capabilities a chat request (OpenAI format) needs from a model: {@code tools} when it
 * defines tools (or legacy functions), {@code vision} when a message has an image part,
 * {@code pdf} when it has a {@code file} part, {@code audio} when it has an {@code input_audio} part,
 * {@code json_schema} when it asks for {@code response_format: json_schema}. One walk over the
 * message list, no text read. {@code where} maps each media capability to the first part that needs
 * it ({@code messages[1].content[0] (file)}), so a refusal can name the part.
 */
record Needs(boolean tools, boolean jsonSchema, Map<String, String> where) {
    static Needs of(JsonNode body) {
        boolean tools = nonEmptyArray(body.path("tools")) || nonEmptyArray(body.path("functions"));
        boolean jsonSchema = body.path("response_format").path("type").asText("").equals("json_schema");
        return new Needs(tools, jsonSchema, mediaParts(body.path("messages")));
    }

    /** The capability names ({@code TollgateConfig.Model.CAPABILITIES}) this request needs. */
    List<String> names() {
        List<String> out = new ArrayList<>(5);
        if (tools) out.add("tools");
        out.addAll(where.keySet());
        if (jsonSchema) out.add("json_schema");
        return out;
    }

    /** The capability a content part of this type needs, or null. */
    private static String capabilityOf(String partType) {
        return switch (partType) {
            case "image_url", "input_image" -> "vision";
            case "file", "input_file" -> "pdf";
            case "input_audio" -> "audio";
            default -> null;
        };
    }

    private static Map<String, String> mediaParts(JsonNode messages) {
        Map<String, String> where = new LinkedHashMap<>(4);
        for (int i = 0; i < messages.size(); i++) {
            JsonNode content = messages.get(i).path("content");
            if (!content.isArray()) continue;
            for (int j = 0; j < content.size(); j++) {
                String type = content.get(j).path("type").asText("");
                String capability = capabilityOf(type);
                if (capability != null) where.putIfAbsent(capability, "messages[" + i + "].content[" + j + "] (" + type + ")");
            }
        }
        return where;
    }

    private static boolean nonEmptyArray(JsonNode v) {
        return v.isArray() && !v.isEmpty();
    }
}
