package dev.tollgate.api;

import java.nio.charset.StandardCharsets;

/**
 * Rewrites the top-level {@code "model"} value of a streamed chunk's JSON bytes without parsing the chunk:
 * the caller sees the public name it asked for, as in a plain answer, while chunks pass through at the cost
 * of one scan. In JSON a raw {@code "model"} followed by a colon can only be a key (quotes inside strings are
 * escaped), and chunks carry {@code model} before {@code choices}, so the first one is the top-level field.
 */
final class ModelField {
    private static final byte[] KEY = "\"model\"".getBytes(StandardCharsets.US_ASCII);

    private ModelField() {}

    /** {@code json} with its model value replaced by {@code model}; unchanged when it has no string model. */
    static byte[] rewrite(byte[] json, String model) {
        int key = indexOf(json, KEY);
        if (key < 0) return json;
        int i = skipSpaces(json, key + KEY.length);
        if (i >= json.length || json[i] != ':') return json;
        i = skipSpaces(json, i + 1);
        if (i >= json.length || json[i] != '"') return json;
        int start = i + 1;
        int end = start;
        while (end < json.length && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
        if (end >= json.length) return json;
        byte[] value = escaped(model);
        byte[] out = new byte[json.length - (end - start) + value.length];
        System.arraycopy(json, 0, out, 0, start);
        System.arraycopy(value, 0, out, start, value.length);
        System.arraycopy(json, end, out, start + value.length, json.length - end);
        return out;
    }

    private static byte[] escaped(String model) {
        return model.replace("\\", "\\\\").replace("\"", "\\\"").getBytes(StandardCharsets.UTF_8);
    }

    private static int skipSpaces(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
        return i;
    }

    private static int indexOf(byte[] b, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= b.length; i++) {
            for (int j = 0; j < needle.length; j++) if (b[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
