package dev.tollgate.state.presets;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A preset as stored: {@code model}, {@code systemPrompt} and {@code name} may be null; {@code params} holds request
 * fields (temperature, max_tokens, …) that fill what a request leaves unset. {@code version} starts at 1.
 */
public record Preset(String accountId, String slug, String name, String model, String systemPrompt, ObjectNode params,
                     boolean isPublic, int version, long createdAtMs, long updatedAtMs) {
    /** Lowercase letters, digits and dashes; starts with a letter or digit; at most 64 characters. */
    public static final String SLUG_PATTERN = "[a-z0-9][a-z0-9-]{0,63}";

    public static boolean validSlug(String slug) {
        return slug != null && slug.matches(SLUG_PATTERN);
    }

    /** The value of {@code x-tollgate-preset}: which preset and which version a request used. */
    public String tag() {
        return slug + "@" + version;
    }
}
