package dev.tollgate.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.metering.Usage;
import dev.tollgate.routing.Deployment;
import java.util.ArrayList;
import java.util.List;

/**
 * What one request taught the gateway about itself, filled in as the request path learns it (caller,
 * model, route, charge, attempts, error) and turned into one {@link UsageEvent} by {@link UsageRecorder}
 * when the request ends, successful or not.
 *
 * <p>The recorder binds the facts to the request's thread for the duration of the request, so the steps
 * that learn something (authentication, routing, the attempt loop, settlement, error mapping) each add
 * one line, {@code UsageFacts.current().x(..)}, without every pipeline signature carrying one more
 * parameter. Outside a request (CLI, unit tests) {@link #current()} returns a throwaway instance.
 * Written by the request's thread only, except {@link #firstByte()} (volatile), which a streaming
 * callback may call from the provider's reader.
 */
public final class UsageFacts {
    private static final ThreadLocal<UsageFacts> CURRENT = new ThreadLocal<>();
    /** Bounds on caller-chosen text kept in events: a user id, a model name, the tags. */
    static final int NAME_CHARS_MAX = 128;
    static final int TAGS_CHARS_MAX = 1024;
    static final int TAGS_MAX = 16;

    final long startNanos;
    final long startMs;
    String accountId;
    String keyId;
    String endUser;
    String tagsJson;
    String requestedModel;
    String task;
    boolean taskDeclared;
    String complexity;
    boolean streamed;
    JsonNode chatBody; // analysed for its task type after the response, when no task was declared or analysed
    Deployment answeredBy;
    long inputTokens;
    long cachedTokens;
    long cacheWriteTokens;
    long outputTokens;
    long reasoningTokens;
    long costMicros;
    long cacheSavingsMicros;
    boolean cacheHit;
    boolean charged;
    String attempts;
    int calls;
    boolean fallback;
    String errorCode;
    String conversationId;
    String preset;
    int presetVersion;
    final List<String[]> upstreamErrors = new ArrayList<>(2); // {provider, kind}
    private volatile long firstByteNanos;

    UsageFacts(long startNanos, long startMs) {
        this.startNanos = startNanos;
        this.startMs = startMs;
    }

    /** The facts of the request running on this thread, or a throwaway when there is none. */
    public static UsageFacts current() {
        UsageFacts f = CURRENT.get();
        return f != null ? f : new UsageFacts(System.nanoTime(), 0);
    }

    static void bind(UsageFacts facts) { CURRENT.set(facts); }

    static void unbind() { CURRENT.remove(); }

    /** The authenticated caller. */
    public void caller(String accountId, String keyId) {
        this.accountId = accountId;
        this.keyId = keyId;
    }

    /**
     * The model the caller asked for and the body it sent: its OpenAI {@code user} (unless the
     * {@code x-tollgate-user} header named one) and its {@code metadata} map, kept as tags (bounded).
     */
    public void requested(String model, JsonNode body) {
        this.requestedModel = clip(model);
        if (body == null) return;
        JsonNode user = body.get("user");
        if (endUser == null && user != null && user.isTextual() && !user.asText().isBlank()) endUser = clip(user.asText());
        JsonNode metadata = body.get("metadata");
        if (metadata != null && metadata.isObject() && !metadata.isEmpty()) tagsJson = Tags.bounded(metadata);
    }

    /** The request used this preset, at this version (docs/presets.md). */
    public void preset(String slug, int version) {
        this.preset = clip(slug);
        this.presetVersion = version;
    }

    /** A chat request: streamed or not, and its body for the task analysis if routing did none. */
    public void chat(boolean stream, JsonNode body) {
        this.streamed = stream;
        this.chatBody = body;
    }

    /** The task type (declared by the caller, or the prompt analyser's) and, when analysed, the complexity. */
    public void task(String taskType, boolean declared, String complexity) {
        this.task = taskType;
        this.taskDeclared = declared;
        if (complexity != null) this.complexity = complexity;
    }

    void endUserHeader(String user) {
        if (user != null && !user.isBlank()) endUser = clip(user);
    }

    /**
     * A settled charge (free ones included): who answered, the tokens, what the ledger posted, and
     * what provider prompt caching saved: the answer's {@code usage.cost_details.cache_discount} as is, so
     * negative when the writes cost more than the reads saved (the analytics' cache_savings add these up).
     * Added up, though a request settles once.
     */
    public void charged(Deployment d, Usage usage, long postedMicros, long cacheSavingsMicros) {
        this.answeredBy = d;
        this.inputTokens += usage.promptTokens();
        this.cachedTokens += usage.cachedPromptTokens();
        this.cacheWriteTokens += usage.allCacheWriteTokens();
        this.outputTokens += usage.completionTokens();
        this.reasoningTokens += usage.reasoningTokens();
        this.costMicros += postedMicros;
        this.cacheSavingsMicros += cacheSavingsMicros;
        this.charged = true;
    }

    /**
     * The answer came from Tollgate's response cache: no provider was called; {@code savedMicros} is what
     * the original answer cost minus what the hit was charged (tokens served stay out of the token totals).
     */
    public void cacheHit(long savedMicros) {
        this.cacheHit = true;
        this.cacheSavingsMicros += Math.max(0, savedMicros);
    }

    /**
     * The attempt loop's log ({@code x-tollgate-attempts}), how many provider calls it made, and whether
     * the answer came from a later candidate than the first (a fallback).
     */
    public void attempts(String header, int calls, boolean fallback) {
        this.attempts = header;
        this.calls = calls;
        this.fallback = fallback;
    }

    /** A provider call failed with this kind (for the upstream-error metric). */
    public void upstreamError(String provider, String kind) {
        if (upstreamErrors.size() < 32) upstreamErrors.add(new String[] {provider, kind});
    }

    /** The request continues this conversation of the caller (docs/conversations.md): its stats count it. */
    public void conversation(String id) {
        this.conversationId = clip(id);
    }

    /** The answer (or its first streamed byte) is leaving now; the first call counts. */
    public void firstByte() {
        if (firstByteNanos == 0) firstByteNanos = System.nanoTime();
    }

    long firstByteNanos() { return firstByteNanos; }

    /** The request failed with this error code (CONTRACT §4), before or after its first byte. */
    public void error(String code) {
        this.errorCode = clip(code);
    }

    static String clip(String s) {
        if (s == null) return null;
        return s.length() <= NAME_CHARS_MAX ? s : s.substring(0, NAME_CHARS_MAX);
    }
}
