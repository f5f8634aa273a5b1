package dev.tollgate.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.provider.FieldTable;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;

/**
 * OpenAI chat-completions request → Gemini {@code GenerateContentRequest}. Sampling parameters go
 * through the {@link #GENERATION} table into generationConfig; messages, tools, tool_choice and
 * response_format have their own translators. Other OpenAI fields are dropped (docs/providers.md).
 */
final class GeminiRequest {
    private static final FieldTable GENERATION = new FieldTable()
            .copy("max_completion_tokens", "maxOutputTokens")
            .copy("max_tokens", "maxOutputTokens")
            .copy("temperature", "temperature") // both accept 0..2
            .copy("top_p", "topP")
            .copy("top_k", "topK")
            .map("stop", "stopSequences", GeminiRequest::stopSequences)
            .copy("n", "candidateCount")
            .copy("presence_penalty", "presencePenalty")
            .copy("frequency_penalty", "frequencyPenalty")
            .copy("seed", "seed");
    /** Gemini-native fields a caller who knows Gemini may send; passed through untouched. */
    private static final FieldTable NATIVE = new FieldTable()
            .copy("safetySettings", "safetySettings")
            .copy("cachedContent", "cachedContent");

    private GeminiRequest() {}

    static ObjectNode build(String provider, JsonNode req) throws ProviderException {
        ObjectNode out = Json.object();
        GeminiContents.Translated messages = GeminiContents.translate(provider, req.path("messages"));
        if (messages.systemInstruction() != null) out.set("systemInstruction", messages.systemInstruction());
        out.set("contents", messages.contents());
        ObjectNode generation = Json.object();
        GENERATION.apply(req, generation);
        responseFormat(provider, req.get("response_format"), generation);
        if (req.path("thinkingConfig").isObject()) generation.set("thinkingConfig", req.get("thinkingConfig"));
        if (!generation.isEmpty()) out.set("generationConfig", generation);
        tools(provider, req, out);
        NATIVE.apply(req, out);
        return out;
    }

    private static JsonNode stopSequences(JsonNode stop) {
        if (stop.isTextual()) return Json.NODES.arrayNode().add(stop.asText());
        return stop.isArray() && !stop.isEmpty() ? stop : null;
    }

    /** json_object → JSON mime type; json_schema → also the schema, in the subset when it fits. */
    private static void responseFormat(String provider, JsonNode format, ObjectNode generation) throws ProviderException {
        if (format == null || format.isNull()) return;
        switch (format.path("type").asText("text")) {
            case "text" -> { }
            case "json_object" -> generation.put("responseMimeType", "application/json");
            case "json_schema" -> {
                generation.put("responseMimeType", "application/json");
                JsonNode schema = format.path("json_schema").get("schema");
                if (schema == null || !schema.isObject()) return;
                ObjectNode simple = GeminiSchema.simplify(schema);
                if (simple != null) generation.set("responseSchema", simple);
                else generation.set("responseJsonSchema", schema);
            }
            default -> throw invalid(provider, "response_format type '" + format.path("type").asText() + "' is not supported");
        }
    }

    private static void tools(String provider, JsonNode req, ObjectNode out) throws ProviderException {
        JsonNode tools = req.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) return;
        ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
        for (JsonNode t : tools) {
            if (!"function".equals(t.path("type").asText("function"))) {
                throw invalid(provider, "tool type '" + t.path("type").asText() + "' is not supported");
            }
            JsonNode fn = t.path("function");
            ObjectNode decl = declarations.addObject();
            decl.put("name", fn.path("name").asText());
            if (fn.hasNonNull("description")) decl.put("description", fn.path("description").asText());
            JsonNode schema = fn.get("parameters");
            if (schema != null && schema.isObject() && !schema.path("properties").isEmpty()) {
                ObjectNode simple = GeminiSchema.simplify(schema);
                if (simple != null) decl.set("parameters", simple);
                else decl.set("parametersJsonSchema", schema);
            }
        }
        ObjectNode config = functionCallingConfig(provider, req.get("tool_choice"));
        if (config != null) out.putObject("toolConfig").set("functionCallingConfig", config);
    }

    /** "auto" → AUTO, "required" → ANY, "none" → NONE, a named function → ANY restricted to it. */
    private static ObjectNode functionCallingConfig(String provider, JsonNode choice) throws ProviderException {
        if (choice == null || choice.isNull()) return null;
        if (choice.isTextual()) {
            String mode = switch (choice.asText()) {
                case "auto" -> "AUTO";
                case "required" -> "ANY";
                case "none" -> "NONE";
                default -> throw invalid(provider, "tool_choice '" + choice.asText() + "' is not supported");
            };
            return Json.object().put("mode", mode);
        }
        String name = choice.path("function").path("name").asText("");
        if (name.isEmpty()) throw invalid(provider, "tool_choice must name a function");
        ObjectNode config = Json.object().put("mode", "ANY");
        config.putArray("allowedFunctionNames").add(name);
        return config;
    }

    private static ProviderException invalid(String provider, String problem) {
        return new ProviderException(Kind.BAD_REQUEST, 0, "provider '" + provider + "' (gemini): " + problem, null);
    }
}
