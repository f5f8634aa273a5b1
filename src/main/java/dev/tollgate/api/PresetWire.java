package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;

/**
 * Where a preset's params (chat-completions fields) and system prompt go in each inbound wire format
 * (docs/presets.md "On /v1/messages and /v1/responses"). A param fills its field only where the request left it
 * unset (request fields win); a param the format has no field for is left out.
 */
public enum PresetWire {
    /** {@code /v1/chat/completions}: every param as it is; the system prompt as a first system message. */
    CHAT {
        @Override
        void param(ObjectNode body, String field, JsonNode value) {
            fill(body, field, value.deepCopy());
        }

        @Override
        void systemPrompt(ObjectNode body, String prompt) {
            if (body.get("messages") instanceof ArrayNode messages) {
                messages.insert(0, Json.object().put("role", "system").put("content", prompt));
            }
        }
    },
    /** {@code /v1/messages} (Anthropic): the params Anthropic has, renamed; the system prompt as the first system block. */
    MESSAGES {
        @Override
        void param(ObjectNode body, String field, JsonNode value) {
            switch (field) {
                case "temperature", "top_p", "top_k", "max_tokens", "thinking" -> fill(body, field, value.deepCopy());
                case "max_completion_tokens" -> fill(body, "max_tokens", value.deepCopy());
                case "stop" -> fill(body, "stop_sequences", value.isTextual() ? Json.NODES.arrayNode().add(value.asText()) : value.deepCopy());
                case "user" -> {
                    ObjectNode metadata = object(body, "metadata");
                    if (value.isTextual() && metadata != null) fill(metadata, "user_id", value.deepCopy());
                }
                default -> { } // no Anthropic counterpart
            }
        }

        @Override
        void systemPrompt(ObjectNode body, String prompt) {
            JsonNode system = body.get("system");
            ObjectNode block = Json.object().put("type", "text").put("text", prompt);
            if (system == null || system.isNull()) {
                body.put("system", prompt);
            } else if (system instanceof ArrayNode blocks) {
                blocks.insert(0, block);
            } else if (system.isTextual()) {
                ArrayNode blocks = body.putArray("system");
                blocks.add(block);
                blocks.addObject().put("type", "text").put("text", system.asText());
            }
        }
    },
    /** {@code /v1/responses}: the params the Responses API has, renamed or reshaped; the system prompt before {@code instructions}. */
    RESPONSES {
        @Override
        void param(ObjectNode body, String field, JsonNode value) {
            switch (field) {
                case "temperature", "top_p", "user", "metadata", "parallel_tool_calls", "service_tier", "top_logprobs" ->
                        fill(body, field, value.deepCopy());
                case "max_tokens", "max_completion_tokens" -> fill(body, "max_output_tokens", value.deepCopy());
                case "reasoning_effort" -> {
                    ObjectNode reasoning = object(body, "reasoning");
                    if (reasoning != null) fill(reasoning, "effort", value.deepCopy());
                }
                case "response_format" -> {
                    JsonNode format = textFormat(value);
                    ObjectNode text = object(body, "text");
                    if (format != null && text != null) fill(text, "format", format);
                }
                case "tools" -> {
                    if (value.isArray()) fill(body, "tools", tools(value));
                }
                case "tool_choice" -> {
                    JsonNode name = value.path("function").get("name");
                    fill(body, "tool_choice", name == null ? value.deepCopy()
                            : Json.object().put("type", "function").put("name", name.asText()));
                }
                default -> { } // no Responses counterpart
            }
        }

        @Override
        void systemPrompt(ObjectNode body, String prompt) {
            JsonNode instructions = body.get("instructions");
            if (instructions == null || instructions.isNull() || instructions.asText().isEmpty()) body.put("instructions", prompt);
            else if (instructions.isTextual()) body.put("instructions", prompt + "\n\n" + instructions.asText());
            // anything else is left for the request's own validation to refuse
        }

        /** Chat's {@code response_format} → Responses' {@code text.format} (json_schema is flat there). */
        private JsonNode textFormat(JsonNode format) {
            if (!format.isObject()) return null;
            if (!"json_schema".equals(format.path("type").asText())) return format.deepCopy();
            ObjectNode out = Json.object().put("type", "json_schema");
            format.path("json_schema").fields().forEachRemaining(f -> out.set(f.getKey(), f.getValue().deepCopy()));
            return out;
        }

        /** Chat's function tools ({@code {"type":"function","function":{…}}}) → Responses' flat ones. */
        private JsonNode tools(JsonNode tools) {
            ArrayNode out = Json.NODES.arrayNode();
            for (JsonNode t : tools) {
                if (t.path("function").isObject()) {
                    ObjectNode flat = out.addObject().put("type", "function");
                    t.path("function").fields().forEachRemaining(f -> flat.set(f.getKey(), f.getValue().deepCopy()));
                } else {
                    out.add(t.deepCopy());
                }
            }
            return out;
        }
    };

    /** Puts the preset's {@code field} (a chat-completions field) into {@code body}, unless the request set it. */
    abstract void param(ObjectNode body, String field, JsonNode value);

    /** Puts the preset's system prompt before the request's own. */
    abstract void systemPrompt(ObjectNode body, String prompt);

    /** {@code body}'s object {@code field}, created when unset or null; null when the request set it to something else. */
    static ObjectNode object(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return body.putObject(field);
        return v instanceof ObjectNode o ? o : null;
    }

    /** Sets {@code field} only where the request left it unset or null: request fields win. */
    static void fill(ObjectNode target, String field, JsonNode value) {
        if (!target.has(field) || target.get(field).isNull()) target.set(field, value);
    }
}
