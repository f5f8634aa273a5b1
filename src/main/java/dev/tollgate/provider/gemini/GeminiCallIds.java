package dev.tollgate.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tool-call ids for Gemini's function calls. Gemini does not number its calls, so Tollgate invents
 * the ids OpenAI clients answer by. Thinking models also attach a {@code thoughtSignature} to a call
 * and (Gemini 3) refuse the next turn unless it comes back on that call. OpenAI clients only keep
 * the id, so the signature travels inside it: {@code call_<hex>__sig_<signature>}, the signature
 * written in URL-safe base64 so the id stays within {@code [A-Za-z0-9_-]} (which Anthropic requires
 * of tool ids, should the conversation fall over to it).
 */
final class GeminiCallIds {
    private static final String SIGNATURE_MARK = "__sig_";

    private GeminiCallIds() {}

    /** The OpenAI id for a functionCall part: Gemini's own id if it sent one, plus any signature. */
    static String forPart(JsonNode part) {
        String base = part.path("functionCall").path("id").asText("");
        if (base.isEmpty()) base = fresh();
        String signature = part.path("thoughtSignature").asText("");
        if (signature.isEmpty()) return base;
        return base + SIGNATURE_MARK + signature.replace('+', '-').replace('/', '_').replace("=", "");
    }

    /** The thought signature carried in {@code callId} (standard base64), or null. */
    static String signature(String callId) {
        int mark = callId.indexOf(SIGNATURE_MARK);
        if (mark < 0) return null;
        String urlSafe = callId.substring(mark + SIGNATURE_MARK.length());
        if (urlSafe.isEmpty()) return null;
        StringBuilder sb = new StringBuilder(urlSafe.replace('-', '+').replace('_', '/'));
        while (sb.length() % 4 != 0) sb.append('=');
        return sb.toString();
    }

    /** A fresh id for a call Gemini did not name; also used for response ids it did not send. */
    static String fresh() {
        return "call_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
