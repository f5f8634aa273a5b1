package dev.tollgate.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.config.StateConfig;
import dev.tollgate.api.conversations.ContextFit;
import dev.tollgate.api.conversations.ConversationsApi;
import dev.tollgate.routing.Catalog;
import dev.tollgate.api.items.Items;
import dev.tollgate.state.conversations.Conversation;
import dev.tollgate.state.conversations.ConversationStore;
import dev.tollgate.state.conversations.DuplicateItemException;
import dev.tollgate.store.StoreException;
import dev.tollgate.usage.UsageFacts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Responses API's {@code conversation} (docs/conversations.md): the caller's conversation is the request's
 * history (its newest {@code history_items_max} items, trimmed to the context window like chat's), and a finished response appends the request's input items
 * and its output items to it, as OpenAI does. Another account's id is a 404 like an unknown one.
 */
public final class ConversationLink {
    private static final Logger LOG = Logger.getLogger(ConversationLink.class.getName());
    private final ConversationStore store;
    private final StateConfig.Conversations config;
    private final Clock clock;
    private final ContextFit fit;

    public ConversationLink(ConversationStore store, Catalog catalog, StateConfig.Conversations config, Clock clock) {
        this.store = store;
        this.fit = new ContextFit(catalog);
        this.config = config;
        this.clock = clock;
    }

    /**
     * {@code chat}'s messages with the conversation's history put in after its system messages, trimmed to the
     * context window as chat's {@code conversation_id} trims it (oldest turns first, system kept).
     */
    ArrayNode history(Principal caller, String id, ObjectNode chat) {
        Conversation c = store.find(caller.accountId(), id).orElseThrow(() -> ConversationsApi.notFound(id));
        ConversationsApi.refuseFull(c, 2, config.maxItems()); // at least the input and the answer
        UsageFacts.current().conversation(id);
        return fit.messages(chat, store.lastItems(caller.accountId(), id, config.historyItemsMax()));
    }

    /** Appends; the answer is paid for and on its way, so a store failure is logged, never the client's problem. */
    void append(Principal caller, String id, ArrayNode input, ObjectNode response) {
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode i : input) items.add(Items.withStatus((ObjectNode) i.deepCopy()));
        for (JsonNode o : response.path("output")) items.add(Items.withStatus((ObjectNode) o.deepCopy()));
        try {
            store.append(caller.accountId(), id, items, clock.millis());
        } catch (StoreException | DuplicateItemException e) { // a caller's item id already there: this exchange is not kept
            LOG.log(Level.WARNING, "appending response " + response.path("id").asText() + " to conversation " + id + " failed", e);
        }
    }
}
