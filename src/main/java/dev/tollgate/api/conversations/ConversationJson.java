package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.items.Items;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import dev.tollgate.state.conversations.Conversation;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire shapes of the Conversations API (OpenAI's, plus {@code title}) and the checks on what a caller
 * sends: metadata (at most 16 strings, as OpenAI), a title, and items (the Responses API's item model).
 */
final class ConversationJson {
    static final int METADATA_KEYS_MAX = 16;
    static final int METADATA_KEY_CHARS_MAX = 64;
    static final int METADATA_VALUE_CHARS_MAX = 512;
    static final int TITLE_CHARS_MAX = 256;

    private ConversationJson() {}

    /** {@code {"id","object":"conversation","created_at","metadata","title"}}; created_at in seconds. */
    static ObjectNode conversation(Conversation c) {
        ObjectNode o = Json.object().put("id", c.id()).put("object", "conversation").put("created_at", c.createdAtMs() / 1000);
        o.set("metadata", c.metadata());
        if (c.title() == null) o.putNull("title");
        else o.put("title", c.title());
        return o;
    }

    static ObjectNode deleted(String id) {
        return Json.object().put("id", id).put("object", "conversation.deleted").put("deleted", true);
    }

    /** {@code metadata}: null when absent; an object of at most 16 string values otherwise. */
    static ObjectNode metadata(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isObject() || v.size() > METADATA_KEYS_MAX) {
            throw ApiException.invalid("metadata", "'metadata' must be an object of at most " + METADATA_KEYS_MAX + " string values");
        }
        for (var it = v.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().length() > METADATA_KEY_CHARS_MAX || !e.getValue().isTextual()
                    || e.getValue().asText().length() > METADATA_VALUE_CHARS_MAX) {
                throw ApiException.invalid("metadata", "'metadata' keys must be at most " + METADATA_KEY_CHARS_MAX
                        + " characters and its values strings of at most " + METADATA_VALUE_CHARS_MAX);
            }
        }
        return (ObjectNode) v;
    }

    /** {@code title}: null when absent; a non-blank string of at most 256 characters otherwise. */
    static String title(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > TITLE_CHARS_MAX) {
            throw ApiException.invalid("title", "'title' must be a non-empty string of at most " + TITLE_CHARS_MAX + " characters");
        }
        return v.asText().strip();
    }

    /**
     * {@code items} as a conversation stores them: checked and normalised by the shared item model, at most
     * {@code max}; every message gets the {@code status} the SDKs require of a conversation's messages.
     */
    static List<ObjectNode> items(JsonNode items, int max) {
        if (items != null && items.isArray() && items.size() > max) {
            throw ApiException.invalid("items", "'items' has " + items.size() + " items; at most " + max + " may be added at a time");
        }
        return stored(Items.normalise(items, "items"));
    }

    /** Normalised items, each message with a status (completed unless it says). */
    static List<ObjectNode> stored(ArrayNode normalised) {
        List<ObjectNode> out = new ArrayList<>(normalised.size());
        for (JsonNode item : normalised) out.add(Items.withStatus((ObjectNode) item));
        return out;
    }

    static boolean ascending(String order) {
        if (order == null || order.equals("desc")) return false;
        if (order.equals("asc")) return true;
        throw ApiException.invalid("order", "'order' must be asc or desc");
    }
}
