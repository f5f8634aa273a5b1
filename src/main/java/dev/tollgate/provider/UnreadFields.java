package dev.tollgate.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The top-level fields of a chat body that a translating adapter does not carry to its provider, for
 * {@code x-tollgate-dropped-fields} (docs/providers.md "What each translation drops"). Tollgate's own request
 * fields are never named: they were for the gateway, not the provider.
 */
public final class UnreadFields {
    /** Read by the gateway itself (routing, presets, usage analytics), whatever the provider. */
    private static final Set<String> GATEWAY = Set.of("models", "prefer_cheap", "provider", "cache", "preset", "task",
            "conversation_id");

    private UnreadFields() {}

    /** The fields of {@code body}, in order, that are neither in {@code read} nor the gateway's, nor null. */
    public static List<String> of(JsonNode body, Set<String> read) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!read.contains(f) && !GATEWAY.contains(f) && !body.get(f).isNull()) out.add(f);
        }
        return out;
    }
}
