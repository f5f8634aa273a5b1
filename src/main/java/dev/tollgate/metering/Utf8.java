package dev.tollgate.metering;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Byte counts computed from chars, so the hot path never encodes a string into a byte array. */
final class Utf8 {
    /** A backslash-u escape with four hex digits: the longest escape Jackson writes for one char. */
    private static final int CONTROL_ESCAPE_BYTES = 6;

    private Utf8() {}

    /**
     * UTF-8 length of {@code s}. A lone surrogate counts 3, the most any encoder writes for it
     * (U+FFFD), so the result stays an upper bound even for malformed text.
     */
    static long length(String s) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * {@code s} with every unpaired surrogate replaced by U+FFFD, or {@code s} itself when it has
     * none. JSON escapes let a client send a lone surrogate; jtokkit's cl100k splitter rejects one
     * (an assertion, and undefined output without -ea), and U+FFFD is what a UTF-8 encoder writes.
     */
    static String withoutLoneSurrogates(String s) {
        StringBuilder fixed = null;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                if (fixed != null) fixed.append(c).append(s.charAt(i + 1));
                i++;
                continue;
            }
            boolean lone = Character.isSurrogate(c);
            if (lone && fixed == null) fixed = new StringBuilder(n).append(s, 0, i);
            if (fixed != null) fixed.append(lone ? '\uFFFD' : c);
        }
        return fixed == null ? s : fixed.toString();
    }

    /** At least the UTF-8 length of {@code s} written as a JSON string (quotes and escapes included). */
    static long jsonStringLength(String s) {
        long bytes = 2 + length(s);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) bytes += CONTROL_ESCAPE_BYTES - 1;
            else if (c == '"' || c == '\\') bytes += 1;
        }
        return bytes;
    }

    /** At least the UTF-8 length of {@code node} written as compact JSON, walked without writing it. */
    static long jsonLength(JsonNode node) {
        if (node.isTextual()) return jsonStringLength(node.textValue());
        if (node.isObject()) {
            long bytes = 2;
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                bytes += jsonStringLength(field.getKey()) + 2 + jsonLength(field.getValue()); // ':' and ','
            }
            return bytes;
        }
        if (node.isArray()) {
            long bytes = 2;
            for (JsonNode element : node) bytes += jsonLength(element) + 1; // ','
            return bytes;
        }
        if (node.isNumber()) return node.asText().length(); // rare in prompts; digits are ASCII
        if (node.isBoolean()) return 5;
        return 4; // null, or a missing node that would not be sent at all
    }
}
