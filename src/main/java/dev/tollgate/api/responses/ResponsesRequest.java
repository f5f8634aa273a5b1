package dev.tollgate.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.ChatRequest;
import dev.tollgate.api.items.Items;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A Responses API request translated onto a chat-completions request, which the chat pipeline serves
 * on every provider. {@code input}: this request's own items, normalised (stored as they are);
 * {@code echo}: the request fields a response object repeats. What Tollgate cannot serve is refused
 * naming the field; fields with no effect on the answer are accepted and listed in {@code ignored}.
 */
record ResponsesRequest(ChatRequest chat, String model, ArrayNode input, String previousResponseId, boolean store,
                        ObjectNode echo, List<String> ignored, String conversationId) {
    /** Accepted without effect: bookkeeping or hints a translated chat request has no place for. */
    private static final Set<String> IGNORED = Set.of("include", "truncation", "service_tier", "prompt_cache_key",
            "safety_identifier", "stream_options", "top_logprobs", "max_tool_calls", "prompt_cache_retention");
    /** Fields that change what is asked and that Tollgate cannot honour: refusing beats answering something else. */
    private static final Set<String> REFUSED = Set.of("prompt");
    private static final Set<String> KNOWN = Set.of("model", "models", "prefer_cheap", "provider", "input", "instructions", "tools",
            "tool_choice", "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "text", "reasoning",
            "metadata", "user", "store", "previous_response_id", "stream", "background", "conversation");

    /**
     * @param history the items a stored response continues (its input and output, recursively), by id;
     *                throws 404 when the caller has no such response
     */
    static ResponsesRequest translate(ObjectNode body, Function<String, List<JsonNode>> history) {
        return translate(body, history, (conversation, chat) -> (ArrayNode) chat.get("messages"));
    }

    /**
     * @param conversationHistory the messages to send when continuing a conversation (docs/conversations.md): given
     *                            its id and the chat body without its history, that body's messages with the
     *                            history put in and trimmed to the context window; throws 404 when the caller has
     *                            no such conversation
     */
    static ResponsesRequest translate(ObjectNode body, Function<String, List<JsonNode>> history,
                                      BiFunction<String, ObjectNode, ArrayNode> conversationHistory) {
        List<String> ignored = new ArrayList<>();
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (REFUSED.contains(f) && !body.get(f).isNull()) {
                throw ApiException.invalid(f, "'" + f + "' is not supported by Tollgate's Responses API");
            }
            if (!KNOWN.contains(f) && !REFUSED.contains(f)) ignored.add(f);
        }
        if (body.path("background").asBoolean(false)) {
            throw ApiException.invalid("background", "'background: true' is not supported: Tollgate answers in the request");
        }
        String previous = optionalString(body, "previous_response_id");
        String conversation = conversation(body.get("conversation"));
        if (conversation != null && previous != null) {
            throw ApiException.invalid("conversation", "'conversation' and 'previous_response_id' cannot be used together");
        }
        ArrayNode input = Items.normalise(body.get("input"));
        if (input.isEmpty() && previous == null) throw ApiException.invalid("input", "Missing required parameter: 'input'");
        String instructions = optionalString(body, "instructions");

        ObjectNode chat = Json.object();
        copy(body, chat, "model");
        copy(body, chat, "models");
        copy(body, chat, "prefer_cheap");
        copy(body, chat, "provider");
        ArrayNode messages = chat.putArray("messages");
        if (instructions != null) messages.addObject().put("role", "system").put("content", instructions);
        List<JsonNode> items = new ArrayList<>(previous != null ? history.apply(previous) : List.of());
        input.forEach(items::add);
        Items.toMessages(items, messages);
        chat.put("stream", optionalBoolean(body, "stream", false));
        ArrayNode tools = ResponseTools.tools(body.get("tools"));
        if (!tools.isEmpty()) chat.set("tools", tools);
        JsonNode toolChoice = ResponseTools.toolChoice(body.get("tool_choice"));
        if (toolChoice != null) chat.set("tool_choice", toolChoice);
        copy(body, chat, "parallel_tool_calls");
        if (body.hasNonNull("max_output_tokens")) chat.set("max_completion_tokens", body.get("max_output_tokens"));
        copy(body, chat, "temperature");
        copy(body, chat, "top_p");
        copy(body, chat, "user");
        JsonNode format = responseFormat(body.get("text"));
        if (format != null) chat.set("response_format", format);
        JsonNode effort = body.path("reasoning").get("effort");
        if (effort != null && effort.isTextual()) chat.put("reasoning_effort", effort.asText());
        metadata(body.get("metadata"));
        if (conversation != null) chat.set("messages", conversationHistory.apply(conversation, chat)); // on the whole body: tools and the cap count

        ChatRequest parsed = rename(() -> ChatRequest.parse(chat));
        return new ResponsesRequest(parsed, parsed.model(), input, previous, optionalBoolean(body, "store", true),
                echo(body, instructions, previous, conversation), ignored, conversation);
    }

    /** The chat checks name chat fields; the caller sent Responses fields, so errors name those. */
    private static ChatRequest rename(java.util.function.Supplier<ChatRequest> parse) {
        try {
            return parse.get();
        } catch (ApiException e) {
            String param = e.param();
            if (param != null && param.startsWith("messages")) throw ApiException.invalid("input", e.getMessage());
            if ("max_completion_tokens".equals(param)) {
                throw ApiException.invalid("max_output_tokens", "'max_output_tokens' must be a positive integer");
            }
            throw e;
        }
    }

    /** {@code text.format}: text (the default), json_object, or json_schema (flat in Responses, nested in chat). */
    private static JsonNode responseFormat(JsonNode text) {
        if (text == null || text.isNull()) return null;
        if (!text.isObject()) throw ApiException.invalid("text", "'text' must be an object");
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) return null;
        String type = format.path("type").asText("");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> Json.object().put("type", "json_object");
            case "json_schema" -> {
                if (!format.path("name").isTextual() || !format.path("schema").isObject()) {
                    throw ApiException.invalid("text.format", "'text.format' of type json_schema needs 'name' and 'schema'");
                }
                ObjectNode out = Json.object().put("type", "json_schema");
                ObjectNode schema = out.putObject("json_schema");
                for (String f : new String[] {"name", "description", "schema", "strict"}) {
                    if (format.has(f)) schema.set(f, format.get(f));
                }
                yield out;
            }
            default -> throw ApiException.invalid("text.format.type", "'text.format.type' must be text, json_object or json_schema");
        };
    }

    private static void metadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) return;
        if (!metadata.isObject() || metadata.size() > 16) {
            throw ApiException.invalid("metadata", "'metadata' must be an object of at most 16 string values");
        }
        metadata.forEach(v -> {
            if (!v.isTextual()) throw ApiException.invalid("metadata", "'metadata' values must be strings");
        });
    }

    /** The request fields a response object repeats, with OpenAI's defaults where the request is silent. */
    private static ObjectNode echo(ObjectNode body, String instructions, String previous, String conversation) {
        ObjectNode echo = Json.object();
        if (conversation != null) echo.putObject("conversation").put("id", conversation);
        put(echo, "instructions", instructions == null ? null : Json.NODES.textNode(instructions));
        put(echo, "max_output_tokens", body.get("max_output_tokens"));
        echo.set("metadata", body.hasNonNull("metadata") ? body.get("metadata") : Json.object());
        echo.put("parallel_tool_calls", body.path("parallel_tool_calls").asBoolean(true));
        put(echo, "previous_response_id", previous == null ? null : Json.NODES.textNode(previous));
        ObjectNode reasoning = echo.putObject("reasoning");
        put(reasoning, "effort", body.path("reasoning").get("effort"));
        put(reasoning, "summary", body.path("reasoning").get("summary"));
        echo.put("store", body.path("store").asBoolean(true));
        put(echo, "temperature", body.get("temperature"));
        ObjectNode text = echo.putObject("text");
        text.set("format", body.path("text").hasNonNull("format") ? body.path("text").get("format")
                : Json.object().put("type", "text"));
        echo.set("tool_choice", body.hasNonNull("tool_choice") ? body.get("tool_choice") : Json.NODES.textNode("auto"));
        echo.set("tools", ResponseTools.echo(body.get("tools")));
        put(echo, "top_p", body.get("top_p"));
        echo.put("truncation", body.path("truncation").asText("disabled"));
        put(echo, "user", body.get("user"));
        return echo;
    }

    /** {@code conversation}: a conversation id, or {@code {"id": ...}}; null when absent. */
    private static String conversation(JsonNode v) {
        if (v == null || v.isNull()) return null;
        JsonNode id = v.isObject() ? v.get("id") : v;
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw ApiException.invalid("conversation", "'conversation' must be a conversation id or an object with its 'id'");
        }
        return id.asText();
    }

    private static void put(ObjectNode node, String field, JsonNode value) {
        if (value == null || value.isNull()) node.putNull(field);
        else node.set(field, value);
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) to.set(field, from.get(field));
    }

    private static String optionalString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.invalid(field, "'" + field + "' must be a string");
        return v.asText();
    }

    private static boolean optionalBoolean(ObjectNode body, String field, boolean otherwise) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return otherwise;
        if (!v.isBoolean()) throw ApiException.invalid(field, "'" + field + "' must be a boolean");
        return v.asBoolean();
    }
}
