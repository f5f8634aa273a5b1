package dev.tollgate.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.provider.DataUrl;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI {@code messages} → Anthropic {@code system} + {@code messages}. Anthropic keeps the system
 * prompt outside the turns, wants strictly alternating user/assistant turns of content blocks, and
 * carries tool results inside a user turn; so tool messages become user turns and neighbours of the
 * same role are merged into one turn.
 */
final class AnthropicMessages {
    record Translated(ArrayNode system, ArrayNode messages) {}

    private final String provider;
    private final ArrayNode system = Json.NODES.arrayNode();
    private final ArrayNode messages = Json.NODES.arrayNode();

    private AnthropicMessages(String provider) {
        this.provider = provider;
    }

    static Translated translate(String provider, JsonNode openAiMessages) throws ProviderException {
        AnthropicMessages t = new AnthropicMessages(provider);
        if (!openAiMessages.isArray() || openAiMessages.isEmpty()) throw t.invalid("'messages' must be a non-empty array");
        for (JsonNode m : openAiMessages) t.add(m);
        if (t.messages.isEmpty()) throw t.invalid("no user or assistant message to send");
        for (JsonNode turn : t.messages) toolResultsFirst((ArrayNode) turn.get("content"));
        return new Translated(t.system.isEmpty() ? null : t.system, t.messages);
    }

    private void add(JsonNode m) throws ProviderException {
        String role = m.path("role").asText("");
        switch (role) {
            case "system", "developer" -> system.addAll(withMessageCacheControl(m, textBlocks(m.get("content"))));
            case "user" -> append("user", withMessageCacheControl(m, userBlocks(m.get("content"))));
            case "assistant" -> append("assistant", withMessageCacheControl(m, assistantBlocks(m)));
            case "tool" -> append("user", withMessageCacheControl(m, toolResult(m)));
            default -> throw invalid("message role '" + role + "' cannot be sent to Anthropic");
        }
    }

    /** Adds blocks as a turn, merged into the previous turn when it has the same role. */
    private void append(String role, ArrayNode blocks) {
        if (blocks.isEmpty()) return; // Anthropic refuses empty turns; an empty message says nothing anyway
        if (!messages.isEmpty() && messages.get(messages.size() - 1) instanceof ObjectNode last
                && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        ObjectNode turn = messages.addObject();
        turn.put("role", role);
        turn.set("content", blocks);
    }

    private ArrayNode textBlocks(JsonNode content) throws ProviderException {
        ArrayNode out = Json.NODES.arrayNode();
        if (content == null || content.isNull()) return out;
        if (content.isTextual()) {
            addText(out, content.asText(), null);
            return out;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (!type.equals("text") && !type.equals("refusal")) {
                throw invalid("content part '" + type + "' is only allowed in user messages");
            }
            addText(out, part.path(type).asText(""), part.get("cache_control"));
        }
        return out;
    }

    private ArrayNode userBlocks(JsonNode content) throws ProviderException {
        if (content == null || content.isNull() || content.isTextual()) return textBlocks(content);
        ArrayNode out = Json.NODES.arrayNode();
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            ObjectNode block = switch (type) {
                case "text" -> {
                    addText(out, part.path("text").asText(""), part.get("cache_control"));
                    yield null;
                }
                case "image_url" -> image(part.path("image_url").path("url").asText(null));
                case "file" -> document(part.path("file"));
                default -> throw invalid("content part '" + type + "' is not supported by Anthropic");
            };
            if (block == null) continue;
            if (part.hasNonNull("cache_control")) block.set("cache_control", part.get("cache_control"));
            out.add(block);
        }
        return out;
    }

    private ObjectNode image(String url) throws ProviderException {
        ObjectNode block = Json.object().put("type", "image");
        DataUrl data = DataUrl.parse(url);
        if (data != null) {
            block.putObject("source").put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
        } else if (DataUrl.isHttp(url)) {
            block.putObject("source").put("type", "url").put("url", url);
        } else {
            throw invalid("image_url must be a data: URL or an http(s) URL");
        }
        return block;
    }

    /**
     * OpenAI file parts become Anthropic document blocks: inline PDF data as a base64 source, an http(s) URL in
     * {@code file_data} (OpenRouter's form) as a url source Anthropic fetches; {@code filename} is the title.
     */
    private ObjectNode document(JsonNode file) throws ProviderException {
        String fileData = file.path("file_data").asText(null);
        DataUrl data = DataUrl.parse(fileData);
        ObjectNode block = Json.object().put("type", "document");
        if (data != null && data.mediaType().equals("application/pdf")) {
            block.putObject("source").put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
        } else if (DataUrl.isHttp(fileData)) {
            block.putObject("source").put("type", "url").put("url", fileData);
        } else {
            throw invalid("file parts must carry a PDF as inline data (file_data: data:application/pdf;base64,...)"
                    + " or an http(s) URL (file ids are not supported)");
        }
        if (file.path("filename").isTextual()) block.put("title", file.get("filename").asText());
        return block;
    }

    /**
     * Thinking blocks first (LiteLLM's {@code thinking_blocks} on the assistant message, as the gateway returns
     * them), so a tool-use turn with extended thinking can be continued; then text, then tool calls.
     */
    private ArrayNode assistantBlocks(JsonNode m) throws ProviderException {
        ArrayNode out = Json.NODES.arrayNode();
        for (JsonNode b : m.path("thinking_blocks")) {
            switch (b.path("type").asText()) {
                case "thinking" -> out.addObject().put("type", "thinking").put("thinking", b.path("thinking").asText(""))
                        .put("signature", b.path("signature").asText(""));
                case "redacted_thinking" -> out.addObject().put("type", "redacted_thinking").put("data", b.path("data").asText(""));
                default -> throw invalid("thinking_blocks entries must be of type thinking or redacted_thinking");
            }
        }
        out.addAll(textBlocks(m.get("content")));
        for (JsonNode call : m.path("tool_calls")) {
            JsonNode fn = call.path("function");
            ObjectNode use = out.addObject();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText());
            use.put("name", fn.path("name").asText());
            use.set("input", arguments(fn.path("arguments")));
        }
        return out;
    }

    /** OpenAI sends arguments as a JSON string; Anthropic wants the object itself. */
    private JsonNode arguments(JsonNode arguments) throws ProviderException {
        if (arguments.isObject()) return arguments;
        String text = arguments.asText("");
        if (text.isBlank()) return Json.object();
        JsonNode parsed = Json.parseOrNull(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (parsed == null || !parsed.isObject()) throw invalid("tool call arguments must be a JSON object");
        return parsed;
    }

    private ArrayNode toolResult(JsonNode m) throws ProviderException {
        ObjectNode result = Json.object().put("type", "tool_result");
        result.put("tool_use_id", m.path("tool_call_id").asText());
        JsonNode content = m.get("content");
        if (content != null && content.isArray()) result.set("content", userBlocks(content));
        else result.put("content", content == null || content.isNull() ? "" : content.asText());
        return Json.NODES.arrayNode().add(result);
    }

    /**
     * Anthropic wants a user turn's tool_result blocks before anything else in it; a client that
     * sent a user message between the call and its result would otherwise get a 400. Stable: the
     * results keep their order, and so does the rest.
     */
    private static void toolResultsFirst(ArrayNode blocks) {
        List<JsonNode> results = new ArrayList<>();
        List<JsonNode> others = new ArrayList<>();
        for (JsonNode b : blocks) ("tool_result".equals(b.path("type").asText()) ? results : others).add(b);
        if (results.isEmpty() || others.isEmpty()) return;
        blocks.removeAll();
        blocks.addAll(results);
        blocks.addAll(others);
    }

    private static void addText(ArrayNode out, String text, JsonNode cacheControl) {
        if (text.isEmpty()) return; // Anthropic rejects empty text blocks
        ObjectNode block = out.addObject().put("type", "text").put("text", text);
        if (cacheControl != null && !cacheControl.isNull()) block.set("cache_control", cacheControl);
    }

    /** A message-level cache_control (LiteLLM/OpenRouter style) marks the message's last block. */
    private static ArrayNode withMessageCacheControl(JsonNode m, ArrayNode blocks) {
        JsonNode cc = m.get("cache_control");
        if (cc != null && !cc.isNull() && !blocks.isEmpty()) ((ObjectNode) blocks.get(blocks.size() - 1)).set("cache_control", cc);
        return blocks;
    }

    private ProviderException invalid(String problem) {
        return new ProviderException(Kind.BAD_REQUEST, 0, "provider '" + provider + "' (anthropic): " + problem, null);
    }
}
