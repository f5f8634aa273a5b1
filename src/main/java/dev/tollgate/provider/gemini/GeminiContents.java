package dev.tollgate.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.provider.DataUrl;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI {@code messages} → Gemini {@code systemInstruction} + {@code contents}. Gemini has two roles,
 * user and model; tool results are functionResponse parts in a user turn and name the function, not
 * the call id, so the names are looked up from the assistant's earlier tool_calls. Neighbouring
 * turns of one role are merged, which keeps parallel function responses in one turn as Gemini wants.
 */
final class GeminiContents {
    record Translated(ObjectNode systemInstruction, ArrayNode contents) {}

    /** File extension → media type, for URLs Gemini fetches itself (file_data needs a mime type). */
    private static final Map<String, String> MIME_BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("heic", "image/heic"),
            Map.entry("heif", "image/heif"), Map.entry("pdf", "application/pdf"), Map.entry("mp3", "audio/mp3"),
            Map.entry("wav", "audio/wav"), Map.entry("mp4", "video/mp4"), Map.entry("txt", "text/plain"));

    private final String provider;
    private final ArrayNode systemParts = Json.NODES.arrayNode();
    private final ArrayNode contents = Json.NODES.arrayNode();
    private final Map<String, String> functionByCallId = new HashMap<>();

    private GeminiContents(String provider) {
        this.provider = provider;
    }

    static Translated translate(String provider, JsonNode messages) throws ProviderException {
        GeminiContents t = new GeminiContents(provider);
        if (!messages.isArray() || messages.isEmpty()) throw t.invalid("'messages' must be a non-empty array");
        for (JsonNode m : messages) t.add(m);
        if (t.contents.isEmpty()) throw t.invalid("no user or assistant message to send");
        ObjectNode system = null;
        if (!t.systemParts.isEmpty()) {
            system = Json.object();
            system.set("parts", t.systemParts);
        }
        return new Translated(system, t.contents);
    }

    private void add(JsonNode m) throws ProviderException {
        String role = m.path("role").asText("");
        switch (role) {
            case "system", "developer" -> systemParts.addAll(textParts(m.get("content")));
            case "user" -> append("user", userParts(m.get("content")));
            case "assistant" -> append("model", modelParts(m));
            case "tool" -> append("user", functionResponse(m));
            default -> throw invalid("message role '" + role + "' cannot be sent to Gemini");
        }
    }

    private void append(String role, ArrayNode parts) {
        if (parts.isEmpty()) return;
        if (!contents.isEmpty() && contents.get(contents.size() - 1) instanceof ObjectNode last
                && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("parts")).addAll(parts);
            return;
        }
        ObjectNode turn = contents.addObject();
        turn.put("role", role);
        turn.set("parts", parts);
    }

    private ArrayNode textParts(JsonNode content) throws ProviderException {
        ArrayNode out = Json.NODES.arrayNode();
        if (content == null || content.isNull()) return out;
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) out.addObject().put("text", content.asText());
            return out;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (!type.equals("text") && !type.equals("refusal")) {
                throw invalid("content part '" + type + "' is only allowed in user messages");
            }
            String text = part.path(type).asText("");
            if (!text.isEmpty()) out.addObject().put("text", text);
        }
        return out;
    }

    private ArrayNode userParts(JsonNode content) throws ProviderException {
        if (content == null || content.isNull() || content.isTextual()) return textParts(content);
        ArrayNode out = Json.NODES.arrayNode();
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> out.addAll(textParts(Json.NODES.textNode(part.path("text").asText(""))));
                case "image_url" -> out.add(media(part.path("image_url").path("url").asText(null), "image/jpeg"));
                case "file" -> out.add(media(part.path("file").path("file_data").asText(null), "application/pdf"));
                case "input_audio" -> {
                    JsonNode audio = part.path("input_audio");
                    out.addObject().putObject("inlineData")
                            .put("mimeType", "audio/" + audio.path("format").asText("wav"))
                            .put("data", audio.path("data").asText(""));
                }
                default -> throw invalid("content part '" + type + "' is not supported by Gemini");
            }
        }
        return out;
    }

    /** A data: URL becomes inline base64 (inline_data); an http(s) URL is fetched by Gemini (file_data). */
    private ObjectNode media(String url, String fallbackMime) throws ProviderException {
        ObjectNode part = Json.object();
        DataUrl data = DataUrl.parse(url);
        if (data != null) {
            part.putObject("inlineData").put("mimeType", data.mediaType()).put("data", data.base64());
        } else if (DataUrl.isHttp(url)) {
            part.putObject("fileData").put("mimeType", guessMime(url, fallbackMime)).put("fileUri", url);
        } else {
            throw invalid("media URLs must be data: URLs or http(s) URLs");
        }
        return part;
    }

    static String guessMime(String url, String fallback) {
        String path = url.replaceFirst("[?#].*$", "");
        int dot = path.lastIndexOf('.');
        if (dot < 0 || dot < path.lastIndexOf('/')) return fallback;
        return MIME_BY_EXTENSION.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), fallback);
    }

    private ArrayNode modelParts(JsonNode m) throws ProviderException {
        ArrayNode out = textParts(m.get("content"));
        for (JsonNode call : m.path("tool_calls")) {
            String name = call.path("function").path("name").asText();
            String id = call.path("id").asText();
            functionByCallId.put(id, name);
            ObjectNode part = out.addObject();
            String signature = GeminiCallIds.signature(id);
            if (signature != null) part.put("thoughtSignature", signature); // thinking models want it back
            ObjectNode fc = part.putObject("functionCall");
            fc.put("name", name);
            fc.set("args", arguments(call.path("function").path("arguments")));
        }
        return out;
    }

    private JsonNode arguments(JsonNode arguments) throws ProviderException {
        if (arguments.isObject()) return arguments;
        String text = arguments.asText("");
        if (text.isBlank()) return Json.object();
        JsonNode parsed = Json.parseOrNull(text.getBytes(StandardCharsets.UTF_8));
        if (parsed == null || !parsed.isObject()) throw invalid("tool call arguments must be a JSON object");
        return parsed;
    }

    /** functionResponse.response must be an object: a JSON object result is sent as is, anything else wrapped. */
    private ArrayNode functionResponse(JsonNode m) throws ProviderException {
        String callId = m.path("tool_call_id").asText("");
        String name = functionByCallId.getOrDefault(callId, m.path("name").asText(null));
        if (name == null) throw invalid("tool message answers call '" + callId + "', which no assistant message made");
        String text = contentText(m.get("content"));
        JsonNode parsed = Json.parseOrNull(text.getBytes(StandardCharsets.UTF_8));
        ObjectNode response = parsed instanceof ObjectNode obj ? obj : Json.object().put("result", text);
        ObjectNode fr = Json.object();
        fr.putObject("functionResponse").put("name", name).set("response", response);
        return Json.NODES.arrayNode().add(fr);
    }

    private static String contentText(JsonNode content) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) sb.append(part.path("text").asText(""));
        return sb.toString();
    }

    private ProviderException invalid(String problem) {
        return new ProviderException(Kind.BAD_REQUEST, 0, "provider '" + provider + "' (gemini): " + problem, null);
    }
}
