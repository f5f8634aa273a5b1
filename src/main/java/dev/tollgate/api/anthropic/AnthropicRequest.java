package dev.tollgate.api.anthropic;

import dev.tollgate.api.ChatPipeline;
import dev.tollgate.api.ChatRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * An Anthropic Messages request, validated and translated into an OpenAI chat request so the one
 * {@link ChatPipeline} can route it to any provider. Every 400 names the offending field by its
 * Anthropic path ({@code messages[2].content[0].source.media_type}). What is translated and what is
 * dropped is listed in docs/providers.md ("Inbound: Anthropic Messages API").
 *
 * @param stopSequences the client's stop sequences, to tell a stop-sequence stop from a natural one
 * @param thinking whether the client turned extended thinking on, and so reads thinking blocks in the answer
 */
record AnthropicRequest(ChatRequest chat, List<String> stopSequences, List<String> dropped, boolean thinking) {
    /** Accepted and translated (plus Tollgate's {@code models} fallback list, {@code prefer_cheap} and {@code provider}). */
    private static final Set<String> TRANSLATED = Set.of("model", "max_tokens", "messages", "system", "stop_sequences",
            "temperature", "top_p", "stream", "tools", "tool_choice", "models", "prefer_cheap", "provider", "output_format");
    /** Accepted and dropped: no OpenAI chat equivalent, and ignoring them does not change the answer's shape. */
    private static final Set<String> DROPPED = Set.of("top_k", "metadata", "thinking", "service_tier");
    private static final String TOOL_ERROR_PREFIX = "[tool error] ";

    static AnthropicRequest translate(ObjectNode in) {
        List<String> dropped = dropped(in);
        ObjectNode out = Json.object();
        out.put("model", requiredString(in, "model"));
        out.put("max_tokens", requiredPositiveInt(in, "max_tokens"));
        ArrayNode messages = out.putArray("messages");
        system(in.get("system"), messages);
        JsonNode inMessages = in.get("messages");
        if (inMessages == null || inMessages.isNull()) throw ApiException.invalid("messages", "Missing required parameter: 'messages'");
        if (!inMessages.isArray()) throw ApiException.invalid("messages", "'messages' must be an array");
        if (inMessages.isEmpty()) throw ApiException.invalid("messages", "'messages' must contain at least one message");
        for (int i = 0; i < inMessages.size(); i++) message(inMessages.get(i), "messages[" + i + "]", messages);
        List<String> stops = stopSequences(in.get("stop_sequences"));
        if (!stops.isEmpty()) stops.forEach(out.putArray("stop")::add);
        copyNumber(in, out, "temperature");
        copyNumber(in, out, "top_p");
        copyIfPresent(in, out, "stream");
        copyIfPresent(in, out, "models");
        copyIfPresent(in, out, "prefer_cheap");
        copyIfPresent(in, out, "provider");
        boolean hasTools = tools(in.get("tools"), out);
        toolChoice(in.get("tool_choice"), hasTools, out);
        JsonNode format = outputFormat(in);
        if (format != null) out.set("response_format", format);
        if (format != null && in.path("output_config").size() == 1) dropped = without(dropped, "output_config");
        JsonNode thinking = in.get("thinking");
        boolean thinks = thinking != null && thinking.isObject() && !"disabled".equals(thinking.path("type").asText());
        return new AnthropicRequest(ChatRequest.parse(out), List.copyOf(stops), dropped, thinks);
    }

    /**
     * Anthropic's structured outputs, {@code output_config.format} (GA) or {@code output_format} (the beta), as
     * OpenAI's {@code response_format} json_schema: other providers get the schema in their own way and the answer is
     * validated like any other (docs/structured-outputs.md). An Anthropic deployment gets the client's body as sent.
     */
    private static JsonNode outputFormat(ObjectNode in) {
        String at = in.path("output_config").hasNonNull("format") ? "output_config.format" : "output_format";
        JsonNode format = at.equals("output_format") ? in.get("output_format") : in.path("output_config").get("format");
        if (format == null || format.isNull()) return null;
        if (!format.isObject() || !"json_schema".equals(format.path("type").asText())) {
            throw ApiException.invalid(at + ".type", "'" + at + ".type' must be json_schema");
        }
        if (!format.path("schema").isObject()) {
            throw ApiException.invalid(at + ".schema", "'" + at + ".schema' must be a JSON Schema object");
        }
        ObjectNode out = Json.object().put("type", "json_schema");
        out.putObject("json_schema").put("name", "output").put("strict", true).set("schema", format.get("schema"));
        return out;
    }

    private static List<String> without(List<String> list, String name) {
        List<String> out = new ArrayList<>(list);
        out.remove(name);
        return out;
    }

    /**
     * What a translation to another provider's format leaves out, by name, for {@code x-tollgate-dropped-fields}:
     * the known fields without an OpenAI equivalent (type-checked, since their shape is known), every unknown
     * top-level field (new SDK features; an Anthropic upstream gets them all), and {@code cache_control} /
     * {@code citations} wherever they appear.
     */
    private static List<String> dropped(ObjectNode in) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (TRANSLATED.contains(f)) continue;
            if (DROPPED.contains(f)) checkDroppedType(in.get(f), f);
            if (!in.get(f).isNull()) out.add(f);
        }
        for (String nested : List.of("cache_control", "citations")) {
            if (in.findValue(nested) != null) out.add(nested);
        }
        return List.copyOf(out);
    }

    private static void checkDroppedType(JsonNode v, String f) {
        if (v.isNull()) return;
        boolean ok = switch (f) {
            case "top_k" -> v.isIntegralNumber() && v.asLong() >= 0;
            case "metadata", "thinking" -> v.isObject();
            case "service_tier" -> v.isTextual();
            default -> true;
        };
        if (!ok) {
            String expected = switch (f) {
                case "top_k" -> "a non-negative integer";
                case "service_tier" -> "a string";
                default -> "an object";
            };
            throw ApiException.invalid(f, "'" + f + "' must be " + expected);
        }
    }

    private static void system(JsonNode system, ArrayNode out) {
        if (system == null || system.isNull()) return;
        String text;
        if (system.isTextual()) {
            text = system.asText();
        } else if (system.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < system.size(); i++) {
                String at = "system[" + i + "]";
                if (!"text".equals(blockType(system.get(i), at))) {
                    throw ApiException.invalid(at + ".type", "'" + at + "' must be a text block");
                }
                if (!sb.isEmpty()) sb.append('\n');
                sb.append(text(system.get(i), at));
            }
            text = sb.toString();
        } else {
            throw ApiException.invalid("system", "'system' must be a string or an array of text blocks");
        }
        if (!text.isEmpty()) out.addObject().put("role", "system").put("content", text);
    }

    private static void message(JsonNode m, String at, ArrayNode out) {
        if (!m.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object");
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual()) throw ApiException.invalid(at + ".role", "Missing required parameter: '" + at + ".role'");
        if (!role.asText().equals("user") && !role.asText().equals("assistant")) {
            throw ApiException.invalid(at + ".role", "'" + role.asText() + "' is not a valid role for '" + at
                    + ".role' (expected user or assistant; the system prompt goes in the top-level 'system' parameter)");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw ApiException.invalid(at + ".content", "Missing required parameter: '" + at + ".content'");
        }
        if (content.isTextual()) {
            out.addObject().put("role", role.asText()).put("content", content.asText());
            return;
        }
        if (!content.isArray()) {
            throw ApiException.invalid(at + ".content", "'" + at + ".content' must be a string or an array of content blocks");
        }
        if (content.isEmpty()) throw ApiException.invalid(at + ".content", "'" + at + ".content' must not be empty");
        if (role.asText().equals("user")) user(content, at, out);
        else assistant(content, at, out);
    }

    /** Tool results become OpenAI tool messages (first, as OpenAI requires); the rest one user message. */
    private static void user(JsonNode content, String at, ArrayNode out) {
        ArrayNode parts = Json.NODES.arrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String where = at + ".content[" + j + "]";
            switch (blockType(block, where)) {
                case "text" -> parts.addObject().put("type", "text").put("text", text(block, where));
                case "image" -> parts.add(image(block, where));
                case "document" -> parts.add(document(block, where));
                case "tool_result" -> toolResult(block, where, out, parts);
                default -> throw unsupportedBlock(block, where, "text, image, document, tool_result");
            }
        }
        if (parts.isEmpty()) return;
        ObjectNode message = out.addObject().put("role", "user");
        if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
            message.put("content", parts.get(0).path("text").asText());
        } else {
            message.set("content", parts);
        }
    }

    private static void assistant(JsonNode content, String at, ArrayNode out) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String where = at + ".content[" + j + "]";
            switch (blockType(block, where)) {
                case "text" -> text.append(text(block, where));
                case "tool_use" -> calls.add(toolCall(block, where));
                case "thinking", "redacted_thinking" -> { } // earlier reasoning: no OpenAI equivalent to send back
                default -> throw unsupportedBlock(block, where, "text, tool_use, thinking");
            }
        }
        ObjectNode message = out.addObject().put("role", "assistant");
        if (!text.isEmpty() || calls.isEmpty()) message.put("content", text.toString());
        else message.putNull("content");
        if (!calls.isEmpty()) message.set("tool_calls", calls);
    }

    private static ObjectNode image(JsonNode block, String where) {
        JsonNode source = block.get("source");
        if (source == null || !source.isObject()) {
            throw ApiException.invalid(where + ".source", "Missing required parameter: '" + where + ".source'");
        }
        String url = switch (source.path("type").asText("")) {
            case "base64" -> "data:" + requiredString(source, "media_type", where + ".source.media_type")
                    + ";base64," + requiredString(source, "data", where + ".source.data");
            case "url" -> requiredString(source, "url", where + ".source.url");
            default -> throw ApiException.invalid(where + ".source.type", "'" + where
                    + ".source.type' must be 'base64' or 'url'");
        };
        ObjectNode part = Json.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /**
     * A document becomes OpenAI's {@code file} part: base64 data as a data URL in {@code file_data}, a URL in
     * {@code file_data} as OpenRouter takes it (Anthropic and Gemini adapters fetch it from there), the title
     * as {@code filename}; a plain-text document is its text. Content and file-id sources have no equivalent.
     */
    private static ObjectNode document(JsonNode block, String where) {
        JsonNode source = block.get("source");
        if (source == null || !source.isObject()) {
            throw ApiException.invalid(where + ".source", "Missing required parameter: '" + where + ".source'");
        }
        String data = switch (source.path("type").asText("")) {
            case "base64" -> "data:" + requiredString(source, "media_type", where + ".source.media_type")
                    + ";base64," + requiredString(source, "data", where + ".source.data");
            case "url" -> requiredString(source, "url", where + ".source.url");
            case "text" -> {
                JsonNode text = source.get("data");
                if (text == null || !text.isTextual()) {
                    throw ApiException.invalid(where + ".source.data", "'" + where + ".source.data' must be a string");
                }
                yield null;
            }
            default -> throw ApiException.invalid(where + ".source.type", "'" + where
                    + ".source.type' must be 'base64', 'url' or 'text' (content and file sources are not supported)");
        };
        if (data == null) return Json.object().put("type", "text").put("text", source.get("data").asText());
        ObjectNode part = Json.object().put("type", "file");
        ObjectNode file = part.putObject("file").put("file_data", data);
        if (block.path("title").isTextual()) file.put("filename", block.get("title").asText());
        return part;
    }

    /** A tool result's text goes into an OpenAI tool message; its images into the user message after it. */
    private static void toolResult(JsonNode block, String where, ArrayNode out, ArrayNode userParts) {
        String id = requiredString(block, "tool_use_id", where + ".tool_use_id");
        JsonNode content = block.get("content");
        StringBuilder text = new StringBuilder();
        if (content != null && content.isTextual()) {
            text.append(content.asText());
        } else if (content != null && content.isArray()) {
            for (int k = 0; k < content.size(); k++) {
                JsonNode part = content.get(k);
                String at = where + ".content[" + k + "]";
                switch (blockType(part, at)) {
                    case "text" -> {
                        if (!text.isEmpty()) text.append('\n');
                        text.append(text(part, at));
                    }
                    case "image" -> userParts.add(image(part, at));
                    case "document" -> userParts.add(document(part, at));
                    default -> throw unsupportedBlock(part, at, "text, image, document");
                }
            }
        } else if (content != null && !content.isNull()) {
            throw ApiException.invalid(where + ".content", "'" + where + ".content' must be a string or an array of content blocks");
        }
        JsonNode isError = block.get("is_error");
        if (isError != null && !isError.isNull() && !isError.isBoolean()) {
            throw ApiException.invalid(where + ".is_error", "'" + where + ".is_error' must be a boolean");
        }
        String result = (isError != null && isError.asBoolean() ? TOOL_ERROR_PREFIX : "") + text;
        out.addObject().put("role", "tool").put("tool_call_id", id).put("content", result);
    }

    private static ObjectNode toolCall(JsonNode block, String where) {
        ObjectNode call = Json.object();
        call.put("id", requiredString(block, "id", where + ".id"));
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", requiredString(block, "name", where + ".name"));
        JsonNode input = block.get("input");
        if (input == null || !input.isObject()) throw ApiException.invalid(where + ".input", "'" + where + ".input' must be an object");
        function.put("arguments", new String(Json.bytes(input), java.nio.charset.StandardCharsets.UTF_8));
        return call;
    }

    /** Custom tools only: server tools (web search, code execution, ...) run at Anthropic, not here. */
    private static boolean tools(JsonNode tools, ObjectNode out) {
        if (tools == null || tools.isNull()) return false;
        if (!tools.isArray()) throw ApiException.invalid("tools", "'tools' must be an array");
        if (tools.isEmpty()) return false;
        ArrayNode translated = out.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            if (!tool.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object");
            String type = tool.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw ApiException.invalid(at + ".type", "Tool type '" + type + "' in '" + at
                        + "' is not supported: /v1/messages translates custom tools (name, description, input_schema) only");
            }
            ObjectNode function = translated.addObject().put("type", "function").putObject("function");
            function.put("name", requiredString(tool, "name", at + ".name"));
            JsonNode description = tool.get("description");
            if (description != null && !description.isNull()) {
                if (!description.isTextual()) throw ApiException.invalid(at + ".description", "'" + at + ".description' must be a string");
                function.put("description", description.asText());
            }
            JsonNode schema = tool.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw ApiException.invalid(at + ".input_schema", "'" + at + ".input_schema' must be a JSON Schema object");
            }
            function.set("parameters", schema);
        }
        return true;
    }

    private static void toolChoice(JsonNode choice, boolean hasTools, ObjectNode out) {
        if (choice == null || choice.isNull()) return;
        if (!choice.isObject()) throw ApiException.invalid("tool_choice", "'tool_choice' must be an object");
        String type = choice.path("type").asText("");
        if (type.equals("none")) {
            if (hasTools) out.put("tool_choice", "none");
            return;
        }
        if (!hasTools) throw ApiException.invalid("tool_choice", "'tool_choice' of type '" + type + "' requires 'tools'");
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "tool" -> out.putObject("tool_choice").put("type", "function")
                    .putObject("function").put("name", requiredString(choice, "name", "tool_choice.name"));
            default -> throw ApiException.invalid("tool_choice.type", "'tool_choice.type' must be one of auto, any, tool, none");
        }
        JsonNode parallel = choice.get("disable_parallel_tool_use");
        if (parallel != null && !parallel.isNull()) {
            if (!parallel.isBoolean()) {
                throw ApiException.invalid("tool_choice.disable_parallel_tool_use", "'tool_choice.disable_parallel_tool_use' must be a boolean");
            }
            if (parallel.asBoolean()) out.put("parallel_tool_calls", false);
        }
    }

    private static List<String> stopSequences(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) return out;
        if (!v.isArray()) throw ApiException.invalid("stop_sequences", "'stop_sequences' must be an array of strings");
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isEmpty()) {
                throw ApiException.invalid("stop_sequences[" + i + "]", "'stop_sequences[" + i + "]' must be a non-empty string");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    private static String blockType(JsonNode block, String where) {
        if (!block.isObject()) throw ApiException.invalid(where, "'" + where + "' must be a content block object");
        JsonNode type = block.get("type");
        if (type == null || !type.isTextual()) throw ApiException.invalid(where + ".type", "Missing required parameter: '" + where + ".type'");
        return type.asText();
    }

    private static ApiException unsupportedBlock(JsonNode block, String where, String supported) {
        return ApiException.invalid(where + ".type", "'" + where + ".type' is '" + block.path("type").asText()
                + "', which /v1/messages does not support here (supported: " + supported + ")");
    }

    private static String text(JsonNode block, String where) {
        JsonNode t = block.get("text");
        if (t == null || !t.isTextual()) throw ApiException.invalid(where + ".text", "'" + where + ".text' must be a string");
        return t.asText();
    }

    private static String requiredString(JsonNode node, String field) {
        return requiredString(node, field, field);
    }

    private static String requiredString(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw ApiException.invalid(path, "Missing required parameter: '" + path + "'");
        if (!v.isTextual() || v.asText().isBlank()) throw ApiException.invalid(path, "'" + path + "' must be a non-empty string");
        return v.asText();
    }

    private static int requiredPositiveInt(ObjectNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) throw ApiException.invalid(field, "Missing required parameter: '" + field + "'");
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw ApiException.invalid(field, "'" + field + "' must be a positive integer");
        }
        return v.asInt();
    }

    private static void copyNumber(ObjectNode in, ObjectNode out, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) return;
        if (!v.isNumber()) throw ApiException.invalid(field, "'" + field + "' must be a number");
        out.set(field, v);
    }

    private static void copyIfPresent(ObjectNode in, ObjectNode out, String field) {
        JsonNode v = in.get(field);
        if (v != null && !v.isNull()) out.set(field, v);
    }
}
