package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.ChatResponder;
import dev.tollgate.api.items.ChatItems;
import dev.tollgate.api.items.Items;
import dev.tollgate.config.StateConfig;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.routing.Catalog;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.UnknownModelException;
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
    private final Catalog catalog;
    private final StateConfig.Conversations config;
    private final Titles titles;
    private final Clock clock;

    public ConversationStep(ConversationStore store, Catalog catalog, StateConfig.Conversations config, Titles titles,
                            Clock clock) {
        this.store = store;
        this.catalog = catalog;
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
        ArrayNode history = Json.NODES.arrayNode();
        Items.toMessages(new ArrayList<JsonNode>(items), history);
        List<JsonNode> historyMessages = new ArrayList<>();
        history.forEach(historyMessages::add);
        List<Deployment> windows = windowed(body);
        HistoryTrim.Result sent = HistoryTrim.trim(request, historyMessages, m -> fits(body, m, windows));
        body.set("messages", sent.messages());
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
