package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import java.util.regex.Pattern;

/**
 * A validated {@code POST /v1/images/generations} request. {@code size} and {@code quality} are
 * null when not given (the provider's defaults apply; the price then comes from the model's
 * {@code default} image price). Unknown fields pass through to the provider.
 */
record ImagesRequest(ObjectNode body, String model, int n, String size, String quality) {
    static final int N_MAX = 10;
    /** The longest prompt any OpenAI image model accepts (gpt-image-1: 32,000 characters). */
    static final int PROMPT_CHARS_MAX = 32_000;
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,4}x[1-9][0-9]{0,4}|auto");

    static ImagesRequest parse(ObjectNode body) {
        String model = Params.requiredString(body, "model");
        String prompt = Params.requiredString(body, "prompt");
        if (prompt.length() > PROMPT_CHARS_MAX) {
            throw ApiException.invalid("prompt", "'prompt' is " + prompt.length() + " characters; at most "
                    + PROMPT_CHARS_MAX + " are allowed");
        }
        int n = Params.integerInRange(body, "n", 1, N_MAX, 1);
        String size = Params.optionalString(body, "size");
        if (size != null && !SIZE.matcher(size).matches()) {
            throw ApiException.invalid("size", "'" + size + "' is not a valid value for 'size' (expected WIDTHxHEIGHT such as 1024x1024, or auto)");
        }
        String quality = Params.oneOf(body, "quality", "standard", "hd", "low", "medium", "high", "auto");
        Params.oneOf(body, "response_format", "url", "b64_json");
        Params.oneOf(body, "style", "vivid", "natural");
        Params.optionalString(body, "user");
        if (Params.optionalBoolean(body, "stream")) {
            throw ApiException.invalid("stream", "Streaming image generation is not supported by this gateway; omit 'stream'");
        }
        return new ImagesRequest(body, model, n, size, quality);
    }
}
