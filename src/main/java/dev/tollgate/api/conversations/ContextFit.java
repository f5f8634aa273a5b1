package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.items.Items;
import dev.tollgate.json.Json;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.routing.Catalog;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.UnknownModelException;
import java.util.ArrayList;
import java.util.List;

/**
 * A conversation's history fitted to the context window of every candidate a chat body names (its {@code model},
 * aliases expanded, and its {@code models} fallbacks): {@link HistoryTrim}'s rule, with "fits" meaning the prompt
 * (counted as the hold counts it) plus room for the answer. Shared by chat's {@code conversation_id} and the
 * Responses API's {@code conversation}, so both send — and hold on — the same trimmed prompt.
 */
public final class ContextFit {
    private final Catalog catalog;

    public ContextFit(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The messages to send: {@code body}'s own messages with the conversation's {@code items} (oldest first, as
     * chat messages) put in after its system messages, the oldest turns dropped until the whole fits. {@code body}
     * is not changed.
     */
    public ArrayNode messages(ObjectNode body, List<? extends JsonNode> items) {
        List<JsonNode> request = new ArrayList<>();
        body.path("messages").forEach(request::add);
        ArrayNode converted = Json.NODES.arrayNode();
        Items.toMessages(new ArrayList<JsonNode>(items), converted);
        List<JsonNode> history = new ArrayList<>();
        converted.forEach(history::add);
        List<Deployment> windows = windowed(body);
        return HistoryTrim.trim(request, history, m -> fits(body, m, windows)).messages();
    }

    /** The request's candidates that have a context window; none (unknown model, auto) means no trimming here. */
    private List<Deployment> windowed(ObjectNode body) {
        List<String> fallbacks = new ArrayList<>();
        body.path("models").forEach(m -> fallbacks.add(m.asText()));
        try {
            String model = body.path("model").isTextual() ? body.get("model").asText() : null;
            return catalog.candidates(model, fallbacks).stream().filter(d -> d.model().contextWindow() != null).toList();
        } catch (UnknownModelException e) {
            return List.of(); // routing answers 404 for it
        }
    }

    /**
     * Whether {@code messages} fit every candidate: the prompt (counted as the hold counts it) plus room for the
     * answer — the request's own max_tokens, else a quarter of the window.
     */
    private static boolean fits(ObjectNode body, ArrayNode messages, List<Deployment> candidates) {
        if (candidates.isEmpty()) return true;
        ObjectNode probe = body.deepCopy();
        probe.set("messages", messages);
        Long cap = PriceBook.explicitOutputCap(body);
        for (Deployment d : candidates) {
            long window = d.model().contextWindow();
            long room = cap != null ? cap : window / 4;
            if (PromptTokens.exact(probe, d.upstreamModel()) + room > window) return false;
        }
        return true;
    }
}
