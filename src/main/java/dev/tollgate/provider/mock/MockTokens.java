package dev.tollgate.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * The mock's deterministic token arithmetic: a message costs ceil(UTF-8 bytes of its text / 4) + 3
 * tokens, the reply priming 3. That is never more than a byte-level upper bound, like a real BPE.
 */
final class MockTokens {
    private MockTokens() {}

    static long promptTokens(JsonNode request) {
        long tokens = 3;
        for (JsonNode m : MockProvider.messages(request)) {
            long bytes = text(m.get("content")).getBytes(StandardCharsets.UTF_8).length;
            tokens += (bytes + 3) / 4 + 3;
        }
        return tokens;
    }

    static String lastUserText(JsonNode request) {
        String last = "";
        for (JsonNode m : MockProvider.messages(request)) {
            if ("user".equals(m.path("role").asText())) last = text(m.get("content"));
        }
        return last;
    }

    /** Text of a string content or of the text parts of an array content. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                if (!sb.isEmpty()) sb.append(' ');
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }
}
