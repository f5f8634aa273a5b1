package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A legacy {@code POST /v1/completions} request, validated, with its chat translation: the prompt as one user
 * message, {@code max_tokens} defaulting to 16 as OpenAI's legacy endpoint does, the shared sampling fields
 * copied. The translation is what routing, holds and chat-only providers see; a deployment that serves the
 * legacy endpoint gets the client's own body ({@link ChatRequest#legacyBody()}). docs/providers.md
 * "Inbound: legacy completions".
 *
 * @param dropped the fields a chat-only provider never sees (legacy-only and unknown ones), for
 *                {@code x-tollgate-dropped-fields}
 */
record CompletionsRequest(ChatRequest chat, List<String> dropped) {
    /** OpenAI's legacy default when {@code max_tokens} is absent. */
    static final int DEFAULT_MAX_TOKENS = 16;
    /** Same meaning in both formats: copied to the chat translation. */
    private static final Set<String> SHARED = Set.of("model", "max_tokens", "temperature", "top_p", "n", "stream",
            "stream_options", "stop", "presence_penalty", "frequency_penalty", "logit_bias", "user", "seed", "metadata");
    /** Tollgate's own: routing choices, taken out of the legacy body too. */
    private static final Set<String> GATEWAY = Set.of("models", "prefer_cheap", "provider");

    static CompletionsRequest translate(ObjectNode in) {
        String prompt = prompt(in.get("prompt"));
        ObjectNode chat = Json.object();
        List<String> dropped = new ArrayList<>();
        for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (SHARED.contains(f) || GATEWAY.contains(f)) chat.set(f, in.get(f));
            else if (!f.equals("prompt") && !in.get(f).isNull()) dropped.add(f);
        }
        if (!chat.hasNonNull("max_tokens")) chat.put("max_tokens", DEFAULT_MAX_TOKENS);
        chat.putArray("messages").addObject().put("role", "user").put("content", prompt);
        ChatRequest parsed = ChatRequest.parse(chat); // validates the shared fields (and takes out models, prefer_cheap)
        ObjectNode legacy = in.deepCopy();
        GATEWAY.forEach(legacy::remove);
        if (!legacy.hasNonNull("max_tokens")) legacy.put("max_tokens", DEFAULT_MAX_TOKENS);
        return new CompletionsRequest(parsed.withLegacyBody(legacy), List.copyOf(dropped));
    }

    /**
     * A string, or an array of exactly one string. Several prompts make one request answer several completions,
     * which a chat translation cannot do; token-id prompts cannot be translated either.
     */
    private static String prompt(JsonNode v) {
        if (v == null || v.isNull()) throw ApiException.invalid("prompt", "Missing required parameter: 'prompt'");
        if (v.isTextual()) return v.asText();
        if (v.isArray() && v.size() == 1 && v.get(0).isTextual()) return v.get(0).asText();
        if (v.isArray() && v.size() > 1 && v.get(0).isTextual()) {
            throw ApiException.invalid("prompt", "'prompt' lists " + v.size() + " prompts; Tollgate takes one per request"
                    + " (send one request per prompt)");
        }
        throw ApiException.invalid("prompt", "'prompt' must be a string or an array of one string (token-id prompts are not supported)");
    }
}
