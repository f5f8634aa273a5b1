package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated chat-completions request. {@code preferCheap}: Tollgate's {@code prefer_cheap}, null
 * when the request does not say (docs/routing.md "Cost-aware selection"). The body keeps every field the client sent (unknown fields
 * pass through to the provider); only Tollgate's own extensions are taken out.
 */
public record ChatRequest(ObjectNode body, String model, List<String> models, boolean stream, boolean clientWantsUsage,
                          Boolean preferCheap, ObjectNode anthropicBody, ObjectNode legacyBody) {
    /** A request that may carry the client's Anthropic Messages body (see {@link #withAnthropicBody}). */
    public ChatRequest(ObjectNode body, String model, List<String> models, boolean stream, boolean clientWantsUsage,
                       Boolean preferCheap, ObjectNode anthropicBody) {
        this(body, model, models, stream, clientWantsUsage, preferCheap, anthropicBody, null);
    }

    /** A request in the OpenAI wire format (no native Anthropic body to pass through). */
    public ChatRequest(ObjectNode body, String model, List<String> models, boolean stream, boolean clientWantsUsage,
                       Boolean preferCheap) {
        this(body, model, models, stream, clientWantsUsage, preferCheap, null);
    }

    /**
     * This request, carrying the client's Anthropic Messages body: an Anthropic deployment is sent that body
     * (only {@code model} changed) instead of the translation, so nothing is lost on the way.
     */
    public ChatRequest withAnthropicBody(ObjectNode original) {
        return new ChatRequest(body, model, models, stream, clientWantsUsage, preferCheap, original, legacyBody);
    }

    /**
     * This request (the chat translation of a legacy {@code /v1/completions} body), carrying the client's own
     * legacy body: a deployment that serves the legacy endpoint is sent that body instead (docs/providers.md).
     */
    public ChatRequest withLegacyBody(ObjectNode original) {
        return new ChatRequest(body, model, models, stream, clientWantsUsage, preferCheap, anthropicBody, original);
    }

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final int FALLBACK_MODELS_MAX = 10;
    /** OpenAI's own limit on {@code n}; every answer is held for and billed, so it must be bounded. */
    static final int ANSWERS_MAX = 128;

    public static ChatRequest parse(ObjectNode body) {
        String model = optionalString(body, "model");
        List<String> models = fallbacks(body);
        if (model == null && models.isEmpty()) {
            throw ApiException.invalid("model", "Missing required parameter: 'model'");
        }
        validateMessages(body.get("messages"));
        boolean stream = optionalBoolean(body, "stream");
        JsonNode options = body.get("stream_options");
        boolean wantsUsage = false;
        if (options != null && !options.isNull()) {
            if (!options.isObject()) throw ApiException.invalid("stream_options", "'stream_options' must be an object");
            JsonNode include = options.get("include_usage");
            if (include != null && !include.isNull() && !include.isBoolean()) {
                throw ApiException.invalid("stream_options.include_usage", "'stream_options.include_usage' must be a boolean");
            }
            wantsUsage = include != null && include.asBoolean();
        }
        positiveInteger(body, "max_tokens");
        positiveInteger(body, "max_completion_tokens");
        answers(body, "n");
        answers(body, "best_of");
        refuseAudioOutput(body);
        number(body, "temperature");
        number(body, "top_p");
        Boolean preferCheap = body.has("prefer_cheap") && !body.get("prefer_cheap").isNull()
                ? optionalBoolean(body, "prefer_cheap") : null;
        body.remove("models");
        body.remove("prefer_cheap");
        return new ChatRequest(body, model, models, stream, wantsUsage, preferCheap);
    }

    private static List<String> fallbacks(ObjectNode body) {
        JsonNode v = body.get("models");
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw ApiException.invalid("models", "'models' must be an array of model names");
        if (v.size() > FALLBACK_MODELS_MAX) {
            throw ApiException.invalid("models", "'models' lists " + v.size() + " models; at most " + FALLBACK_MODELS_MAX + " are allowed");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                throw ApiException.invalid("models[" + i + "]", "'models[" + i + "]' must be a model name");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    private static void validateMessages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw ApiException.invalid("messages", "Missing required parameter: 'messages'");
        }
        if (!messages.isArray()) throw ApiException.invalid("messages", "'messages' must be an array");
        if (messages.isEmpty()) throw ApiException.invalid("messages", "'messages' must contain at least one message");
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object");
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw ApiException.invalid(at + ".role", "Missing required parameter: '" + at + ".role'");
            }
            if (!ROLES.contains(role.asText())) {
                throw ApiException.invalid(at + ".role", "'" + role.asText() + "' is not a valid role for '" + at
                        + ".role' (expected one of system, developer, user, assistant, tool)");
            }
            JsonNode content = m.get("content");
            boolean ok = content == null ? role.asText().equals("assistant")
                    : content.isTextual() || content.isArray() || (content.isNull() && role.asText().equals("assistant"));
            if (!ok) {
                throw ApiException.invalid(at + ".content", "'" + at + ".content' must be a string or an array of content parts");
            }
        }
    }

    private static String optionalString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() || v.asText().isBlank()) throw ApiException.invalid(field, "'" + field + "' must be a non-empty string");
        return v.asText();
    }

    private static boolean optionalBoolean(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiException.invalid(field, "'" + field + "' must be a boolean");
        return v.asBoolean();
    }

    private static void positiveInteger(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return;
        if (!v.isIntegralNumber() || v.asLong() < 1 || !v.canConvertToInt()) {
            throw ApiException.invalid(field, "'" + field + "' must be a positive integer");
        }
    }

    /** {@code n} and {@code best_of}: how many answers are generated (and held for, and billed). */
    private static void answers(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > ANSWERS_MAX) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer from 1 to " + ANSWERS_MAX);
        }
    }

    /**
     * Audio answers are billed per audio token at prices the price book cannot express; serving them
     * at text prices would undercharge, so they are refused (audio input is counted as bytes, a bound).
     */
    private static void refuseAudioOutput(ObjectNode body) {
        JsonNode modalities = body.get("modalities");
        boolean audio = body.has("audio") && !body.get("audio").isNull();
        if (modalities != null && modalities.isArray()) {
            for (JsonNode m : modalities) audio |= "audio".equals(m.asText());
        }
        if (audio) {
            throw ApiException.invalid(body.has("audio") ? "audio" : "modalities",
                    "Audio output is not supported: Tollgate has no audio token prices to bill it with");
        }
    }

    private static void number(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !v.isNumber()) throw ApiException.invalid(field, "'" + field + "' must be a number");
    }
}
