package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;

/**
 * A validated {@code POST /v1/embeddings} request. {@code input} is a string, an array of strings,
 * an array of token ids, or an array of token-id arrays; none may be empty. Unknown fields pass
 * through to the provider.
 */
record EmbeddingsRequest(ObjectNode body, String model, JsonNode input) {
    /** OpenAI's own limit of inputs per request. */
    static final int INPUTS_MAX = 2048;

    static EmbeddingsRequest parse(ObjectNode body) {
        String model = Params.requiredString(body, "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) throw ApiException.invalid("input", "Missing required parameter: 'input'");
        validateInput(input);
        Params.oneOf(body, "encoding_format", "float", "base64");
        Params.integerInRange(body, "dimensions", 1, 65_536);
        Params.optionalString(body, "user");
        return new EmbeddingsRequest(body, model, input);
    }

    private static void validateInput(JsonNode input) {
        if (input.isTextual()) {
            if (input.textValue().isEmpty()) throw ApiException.invalid("input", "'input' must not be an empty string");
            return;
        }
        if (!input.isArray()) {
            throw ApiException.invalid("input", "'input' must be a string, an array of strings, or an array of token arrays");
        }
        if (input.isEmpty()) throw ApiException.invalid("input", "'input' must not be an empty array");
        if (input.size() > INPUTS_MAX) {
            throw ApiException.invalid("input", "'input' has " + input.size() + " items; at most " + INPUTS_MAX + " are allowed");
        }
        if (input.get(0).isNumber()) { // one token array
            tokens(input, "input");
            return;
        }
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String at = "input[" + i + "]";
            if (item.isTextual()) {
                if (item.textValue().isEmpty()) throw ApiException.invalid(at, "'" + at + "' must not be an empty string");
            } else if (item.isArray()) {
                if (item.isEmpty()) throw ApiException.invalid(at, "'" + at + "' must not be an empty token array");
                tokens(item, at);
            } else {
                throw ApiException.invalid(at, "'" + at + "' must be a string or an array of token ids");
            }
        }
    }

    private static void tokens(JsonNode array, String at) {
        for (int i = 0; i < array.size(); i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0) {
                throw ApiException.invalid(at + "[" + i + "]", "'" + at + "[" + i + "]' must be a token id (a non-negative integer)");
            }
        }
    }
}
