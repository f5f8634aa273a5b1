package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.api.ChatPipeline;
import dev.tollgate.api.ChatRequest;
import dev.tollgate.api.ChatResponder;
import dev.tollgate.billing.Reservation;
import dev.tollgate.config.Limits;
import dev.tollgate.config.StateConfig;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.RequestIds;
import dev.tollgate.json.Json;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Catalog;
import dev.tollgate.routing.Deployment;
import dev.tollgate.state.conversations.ConversationStore;
import dev.tollgate.usage.UsageFacts;
import dev.tollgate.usage.UsageRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Automatic titles (docs/conversations.md "Titles"): after a conversation's first exchange, the configured
 * {@code conversations.title_model} is asked for a short title, off the request path, on a virtual thread. The call
 * goes through the chat pipeline like any other — held, settled, billed to the conversation's account, recorded as a
 * usage event of endpoint {@code conversation_title} — but takes no rate-limit slot. A title is written only while
 * none is set (the caller's own wins), and only with a title model the caller's key and plan allow. Optional: off when no model is configured; at most
 * {@value #IN_FLIGHT_MAX} at a time, and a burst beyond that goes untitled rather than queueing without bound.
 */
public final class Titles {
    public static final String ENDPOINT = "conversation_title";
    static final int IN_FLIGHT_MAX = 4;
    static final int EXCERPT_CHARS_MAX = 1_000;
    private static final Logger LOG = Logger.getLogger(Titles.class.getName());
    private static final String INSTRUCTIONS = "Write a short title (at most six words) for the conversation below. "
            + "Answer with the title only: no quotes, no final period.";

    private final StateConfig.Conversations config;
    private final Catalog catalog;
    private final ChatPipeline pipeline;
    private final UsageRecorder recorder;
    private final ConversationStore store;
    private final Clock clock;
    private final Function<Principal, Limits.Plan> plans;
    private final Counter notAllowed;
    private final Set<String> notAllowedLogged = ConcurrentHashMap.newKeySet();
    private final Semaphore slots = new Semaphore(IN_FLIGHT_MAX);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** @param plans the caller's plan (null: none), as the guard resolves it */
    public Titles(StateConfig.Conversations config, Catalog catalog, ChatPipeline pipeline, UsageRecorder recorder,
                  ConversationStore store, Clock clock, Function<Principal, Limits.Plan> plans, MeterRegistry metrics) {
        this.plans = plans;
        this.notAllowed = Counter.builder("tollgate.conversations.titles_skipped").tag("reason", "model_not_allowed")
                .description("Automatic titles skipped: the title model is not allowed for the caller's plan or key")
                .register(metrics);
        this.config = config;
        this.catalog = catalog;
        this.pipeline = pipeline;
        this.recorder = recorder;
        this.store = store;
        this.clock = clock;
    }

    /** Titles the turn's conversation from its first question and this answer, later; a no-op when titles are off. */
    void request(ConversationStep.Turn turn, List<ObjectNode> answer) {
        if (config.titleModel() == null || !allowed(turn.caller()) || !slots.tryAcquire()) return;
        String question = text(turn.newItems());
        String said = text(answer);
        try {
            threads.execute(() -> {
                try {
                    title(turn, question, said);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "titling conversation " + turn.conversation().id() + " failed", e);
                } finally {
                    slots.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            slots.release(); // closing
        }
    }

    /**
     * Whether the caller may use the title model, by the guard's rule (the key's models, then the plan's): the title
     * call takes no guard slot, so it must not reach a model the caller could not name. Not allowed: no title, no
     * error (the answer is the caller's, the title only a convenience), counted, and logged once per plan and key.
     */
    private boolean allowed(Principal caller) {
        String model = config.titleModel();
        Limits.Plan plan = plans.apply(caller);
        boolean keyAllows = caller.keyModels() == null || caller.keyModels().contains(model);
        if (keyAllows && (plan == null || plan.allows(model))) return true;
        notAllowed.increment();
        String who = !keyAllows ? "key " + caller.keyId() : "plan '" + plan.name() + "'";
        if (notAllowedLogged.add(who)) {
            LOG.warning("conversations.title_model '" + model + "' is not allowed for " + who
                    + "; its conversations get no automatic title (logged once)");
        }
        return false;
    }

    private void title(ConversationStep.Turn turn, String question, String answer) {
        ObjectNode body = Json.object().put("model", config.titleModel()).put("max_tokens", config.titleMaxTokens());
        body.putArray("messages").add(Json.object().put("role", "system").put("content", INSTRUCTIONS))
                .add(Json.object().put("role", "user").put("content", "User: " + question + "\nAssistant: " + answer));
        ChatRequest chat = ChatRequest.parse(body);
        List<Deployment> candidates = catalog.candidates(config.titleModel(), List.of());
        Captured captured = new Captured();
        String requestId = "title_" + RequestIds.newLedgerId();
        recorder.detached(ENDPOINT, requestId, turn.caller().accountId(), turn.caller().keyId(), turn.conversation().id(), () -> {
            UsageFacts.current().requested(config.titleModel(), null);
            pipeline.run(turn.caller(), requestId, chat, candidates, captured, charged -> { });
        });
        String title = clean(captured.text);
        if (!title.isEmpty()) store.titleIfUnset(turn.caller().accountId(), turn.conversation().id(), title, clock.millis());
    }

    /** The first line, without quotes or a final period, at most the title bound. */
    static String clean(String text) {
        if (text == null) return "";
        String t = text.strip();
        int nl = t.indexOf('\n');
        if (nl >= 0) t = t.substring(0, nl).strip();
        t = t.replaceAll("^[\"'“”]+|[\"'“”]+$", "").replaceAll("[.]+$", "").strip();
        return t.length() > ConversationJson.TITLE_CHARS_MAX ? t.substring(0, ConversationJson.TITLE_CHARS_MAX) : t;
    }

    /** The text parts of these items, joined and cut to the excerpt bound. */
    private static String text(List<ObjectNode> items) {
        StringBuilder out = new StringBuilder();
        for (ObjectNode item : items) {
            for (JsonNode part : item.path("content")) out.append(part.path("text").asText(""));
            if (out.length() >= EXCERPT_CHARS_MAX) break;
        }
        return out.length() > EXCERPT_CHARS_MAX ? out.substring(0, EXCERPT_CHARS_MAX) : out.toString();
    }

    /** Keeps the text of a complete answer; the title call never streams. */
    private static final class Captured implements ChatResponder {
        String text;

        @Override
        public void attempts(String header) { }

        @Override
        public void answer(ObjectNode completion, Deployment d, Reservation.Charged charged) {
            text = completion.path("choices").path(0).path("message").path("content").asText("");
        }

        @Override
        public void chunk(StreamChunk chunk, Deployment d) { }

        @Override
        public boolean started() { return false; }

        @Override
        public void streamDone(StreamChunk usageChunk, Reservation.Charged charged) { }

        @Override
        public void streamFailed(ApiException error) { }
    }
}
