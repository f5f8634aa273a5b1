package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The messages a request continuing a conversation sends: the request's system messages first, then the
 * conversation's history, then the request's own other messages — with the oldest history turns dropped until the
 * whole fits. A turn starts at a user message and runs to the next, so an answer or a tool result never goes
 * without the question it belongs to. System and developer messages of the history are never dropped. Pure: the
 * caller says what fits; the search is binary (fitting is monotone in the turns dropped), so a long history costs
 * a few token counts, not one per turn.
 */
final class HistoryTrim {
    private HistoryTrim() {}

    /** What was sent, and how many history messages were left out. */
    record Result(ArrayNode messages, int droppedMessages) {}

    static Result trim(List<JsonNode> requestMessages, List<JsonNode> history, Predicate<ArrayNode> fits) {
        List<Integer> turnStarts = new ArrayList<>(); // indexes in history where a droppable turn starts
        for (int i = 0; i < history.size(); i++) {
            if (i == 0 || isRole(history.get(i), "user")) turnStarts.add(i);
        }
        int lo = 0, hi = turnStarts.size(); // drop the first k turns; find the least k that fits
        if (fits.test(assemble(requestMessages, history, 0))) return new Result(assemble(requestMessages, history, 0), 0);
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (mid == 0 || !fits.test(assemble(requestMessages, history, cut(turnStarts, mid, history.size())))) lo = mid + 1;
            else hi = mid;
        }
        int from = cut(turnStarts, lo, history.size());
        ArrayNode sent = assemble(requestMessages, history, from);
        return new Result(sent, countDropped(history, from));
    }

    /** The history index where keeping starts when the first {@code turns} turns are dropped. */
    private static int cut(List<Integer> turnStarts, int turns, int size) {
        return turns >= turnStarts.size() ? size : turnStarts.get(turns);
    }

    static ArrayNode assemble(List<JsonNode> request, List<JsonNode> history, int from) {
        ArrayNode out = Json.NODES.arrayNode();
        for (JsonNode m : request) if (isSystem(m)) out.add(m);
        for (int i = 0; i < history.size(); i++) {
            if (i >= from || isSystem(history.get(i))) out.add(history.get(i));
        }
        for (JsonNode m : request) if (!isSystem(m)) out.add(m);
        return out;
    }

    private static int countDropped(List<JsonNode> history, int from) {
        int dropped = 0;
        for (int i = 0; i < from; i++) if (!isSystem(history.get(i))) dropped++;
        return dropped;
    }

    static boolean isSystem(JsonNode m) {
        return isRole(m, "system") || isRole(m, "developer");
    }

    private static boolean isRole(JsonNode m, String role) {
        return role.equals(m.path("role").asText());
    }
}
