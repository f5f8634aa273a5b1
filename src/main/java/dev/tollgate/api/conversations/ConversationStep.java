package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.ChatResponder;
import dev.tollgate.api.items.ChatItems;
import dev.tollgate.config.StateConfig;
import dev.tollgate.http.ApiException;
import dev.tollgate.routing.Catalog;
import dev.tollgate.state.conversations.Conversation;
import dev.tollgate.state.conversations.ConversationStore;
import dev.tollgate.store.StoreException;
import dev.tollgate.usage.UsageFacts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The conversation step of {@code POST /v1/chat/completions} (docs/conversations.md): {@code conversation_id}
 * taken out of the body (never forwarded), the conversation's history prepended — trimmed to the context window of
 * every candidate the request names, oldest turns first, system messages kept — before the cache key, routing and
 * the hold see the body, so all three work on what is actually sent. After a successful answer (streamed too) the
 * request's own messages and the answer are appended, and a first exchange may get its title.
 */
public final class ConversationStep {
    public static final String FIELD = "conversation_id";
    private static final Logger LOG = Logger.getLogger(ConversationStep.class.getName());

    private final ConversationStore store;
    private final ContextFit fit;
    private final StateConfig.Conversations config;
    private final Titles titles;
    private final Clock clock;

    public ConversationStep(ConversationStore store, Catalog catalog, StateConfig.Conversations config, Titles titles,
                            Clock clock) {
        this.store = store;
        this.fit = new ContextFit(catalog);
        this.config = config;
        this.titles = titles;
        this.clock = clock;
    }

    /**
     * One request's part in its conversation: what it adds when answered. {@code firstExchange}: the history held
     * no answer yet, so this answer may title the conversation.
     */
    public record Turn(Principal caller, Conversation conversation, List<ObjectNode> newItems, boolean firstExchange) {}

    /** Takes {@code conversation_id} out of {@code body} and puts the history in; null when the body names none. */
    public Turn begin(Principal caller, ObjectNode body) {
        JsonNode field = body.remove(FIELD);
        if (field == null || field.isNull()) return null;
        if (!field.isTextual() || field.asText().isBlank()) throw ApiException.invalid(FIELD, "'" + FIELD + "' must be a string");
        String id = field.asText();
        Conversation c = store.find(caller.accountId(), id).orElseThrow(() -> ConversationsApi.notFound(id));
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) return null; // the chat parser refuses it, naming the field
        List<JsonNode> request = new ArrayList<>();
        messages.forEach(request::add);
        List<ObjectNode> newItems = ChatItems.fromMessages(request.stream().filter(m -> !HistoryTrim.isSystem(m)).toList());
        ConversationsApi.refuseFull(c, newItems.size() + 1, config.maxItems()); // + the answer
        UsageFacts.current().conversation(c.id());

        List<ObjectNode> items = store.lastItems(caller.accountId(), c.id(), config.historyItemsMax());
        body.set("messages", fit.messages(body, items));
        boolean answered = items.stream().anyMatch(i -> "assistant".equals(i.path("role").asText())
                || "function_call".equals(i.path("type").asText()));
        return new Turn(caller, c, newItems, !answered);
    }

    /** {@code out}, appending the answer to the turn's conversation when it succeeds; {@code out} itself without a turn. */
    public ChatResponder record(Turn turn, ChatResponder out) {
        return turn == null ? out : new ConversationResponder(out, outputItems -> answered(turn, outputItems));
    }

    /**
     * Appends the request's messages and the answer. The answer is paid for and on its way: a store failure must
     * not cost the client the answer, so it is logged (the conversation then lacks this exchange).
     */
    private void answered(Turn turn, List<ObjectNode> outputItems) {
        List<ObjectNode> appended = new ArrayList<>(turn.newItems());
        appended.addAll(outputItems);
        try {
            if (!store.append(turn.caller().accountId(), turn.conversation().id(), appended, clock.millis())) return; // deleted meanwhile
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "appending to conversation " + turn.conversation().id() + " failed; the answer was sent", e);
            return;
        }
        if (turn.firstExchange() && turn.conversation().title() == null) titles.request(turn, outputItems);
    }
}
