package dev.tollgate.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.state.responses.ResponseStore;
import dev.tollgate.state.responses.StoredResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The conversation a {@code previous_response_id} continues, rebuilt from what was stored (never from
 * logs): each response's own input items and then its output items, oldest first, following
 * {@code previous_response_id} back through the caller's own responses. Instructions are not carried
 * over (as OpenAI: each request gives its own). A chain stops at a response that was deleted.
 */
final class History {
    /** Every link is one store read; a chain this long is refused rather than read without end. */
    static final int DEPTH_MAX = 100;

    private History() {}

    static List<JsonNode> items(ResponseStore store, String accountId, String previousId) {
        List<StoredResponse> chain = new ArrayList<>();
        String id = previousId;
        while (id != null) {
            if (chain.size() == DEPTH_MAX) {
                throw ApiException.invalid("previous_response_id", "The conversation of '" + previousId + "' is longer than "
                        + DEPTH_MAX + " stored responses; start a new one (send the history you need as 'input')");
            }
            var found = store.find(accountId, id);
            if (found.isEmpty()) {
                if (chain.isEmpty()) {
                    throw ApiException.notFound(null, "previous_response_id", "Previous response with id '" + id + "' not found.");
                }
                break; // an earlier response was deleted: the conversation starts after it
            }
            chain.add(found.get());
            id = found.get().previousResponseId();
        }
        List<JsonNode> items = new ArrayList<>();
        for (int i = chain.size() - 1; i >= 0; i--) {
            chain.get(i).input().forEach(items::add);
            chain.get(i).response().path("output").forEach(items::add);
        }
        return items;
    }
}
