package dev.tollgate.usage;

import dev.tollgate.http.RequestIds;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.auto.PromptAnalyzer;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Clock;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request's recorder: binds a fresh {@link UsageFacts} to the request before the handler runs and,
 * after it (errors included: the server's error handlers run inside {@code chain.proceed()}), turns
 * the facts into one {@link UsageEvent} for the writer (model endpoints with a known caller), updates
 * the Prometheus meters and writes the access-log line. Never fails the request: a full queue drops
 * the event (counted).
 */
public final class UsageRecorder implements Filter {
    private static final Logger LOG = Logger.getLogger(UsageRecorder.class.getName());
    public static final HeaderName USER_HEADER = HeaderNames.create("x-tollgate-user");
    /** The endpoints that call a model: one usage event per request to them. */
    static final Set<String> ENDPOINTS = Set.of("/v1/chat/completions", "/v1/messages", "/v1/responses",
            "/v1/embeddings", "/v1/images/generations", "/v1/completions");
    private static final Set<String> CHAT = Set.of("/v1/chat/completions", "/v1/messages", "/v1/responses", "/v1/completions");

    private final UsageWriter writer;
    private final UsageMetrics metrics;
    private final AccessLog accessLog;
    private final Clock clock;
    private final boolean taskAnalysis;
    /** {@code usage.events}: false keeps metrics and the access log but queues no event (no analytics). */
    private final boolean storeEvents;

    UsageRecorder(UsageWriter writer, UsageMetrics metrics, AccessLog accessLog, Clock clock, boolean taskAnalysis,
                  boolean storeEvents) {
        this.storeEvents = storeEvents;
        this.writer = writer;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.clock = clock;
        this.taskAnalysis = taskAnalysis;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        UsageFacts facts = new UsageFacts(System.nanoTime(), clock.millis());
        String path = req.path().path(); // now: a service registered under a prefix sees (and leaves) a relative path
        facts.endUserHeader(req.headers().first(USER_HEADER).orElse(null));
        writer.requestStarted();
        UsageFacts.bind(facts);
        try {
            chain.proceed();
        } finally {
            UsageFacts.unbind();
            try {
                finished(req, res, facts, path);
            } catch (RuntimeException e) {
                // the answer has left: recording must never turn it into an error
                LOG.log(Level.WARNING, "usage recording failed for " + path, e);
            } finally {
                writer.requestEnded();
            }
        }
    }

    /**
     * Runs {@code work} on this thread as a request no client sent (a conversation's automatic title,
     * docs/conversations.md): facts of its own bound while it runs, then one usage event for {@code endpoint}, so
     * analytics keep equalling the ledger's charges. A failure of {@code work} is recorded and rethrown.
     */
    public void detached(String endpoint, String requestId, String accountId, String keyId, String conversationId,
                         Runnable work) {
        UsageFacts facts = new UsageFacts(System.nanoTime(), clock.millis());
        facts.caller(accountId, keyId);
        facts.conversation(conversationId);
        writer.requestStarted();
        UsageFacts.bind(facts);
        int status = 200;
        try {
            work.run();
        } catch (RuntimeException e) {
            status = 500;
            if (facts.errorCode == null) facts.error("internal_error");
            throw e;
        } finally {
            UsageFacts.unbind();
            try {
                if (storeEvents) writer.offer(event(facts, requestId, endpoint, status, System.nanoTime() - facts.startNanos, false));
            } finally {
                writer.requestEnded();
            }
        }
    }

    private void finished(RoutingRequest req, RoutingResponse res, UsageFacts f, String path) {
        long latencyNanos = System.nanoTime() - f.startNanos;
        record(f, path, res.status().code(), RequestIds.of(req), latencyNanos);
    }

    /** Meters, usage event and access-log line of one finished request (the bench calls it without a server). */
    UsageEvent record(UsageFacts f, String path, int status, String requestId, long latencyNanos) {
        Deployment d = f.answeredBy;
        String model = d != null ? d.publicName() : "none";
        String provider = d != null ? d.providerName() : "none";
        metrics.request(route(path), model, provider, status, latencyNanos);
        for (String[] failure : f.upstreamErrors) metrics.upstreamError(failure[0], failure[1]);
        if (d != null) {
            metrics.tokens(model, provider, "input", f.inputTokens);
            metrics.tokens(model, provider, "output", f.outputTokens);
            metrics.tokens(model, provider, "cached", f.cachedTokens);
            metrics.tokens(model, provider, "reasoning", f.reasoningTokens);
            metrics.creditsCharged(model, provider, f.costMicros);
        }
        UsageEvent event = null;
        if (f.accountId != null && ENDPOINTS.contains(path) && (storeEvents || accessLog.enabled())) {
            event = event(f, requestId, path, status, latencyNanos, taskAnalysis);
            if (storeEvents) writer.offer(event);
        }
        if (accessLog.enabled() && !path.equals("/health") && !path.equals("/ready") && !path.equals("/metrics")) {
            accessLog.write(path, status, event, requestId, f.accountId, f.keyId, latencyNanos / 1_000_000,
                    f.chatBody == null ? null : String.valueOf(f.chatBody.get("messages")));
        }
        return event;
    }

    static UsageEvent event(UsageFacts f, String requestId, String path, int status, long latencyNanos,
                            boolean taskAnalysis) {
        if (taskAnalysis && f.task == null && f.chatBody != null && CHAT.contains(path)) {
            // not routed by auto and not declared: the analyser's verdict (bounded work, after the answer left)
            var analysis = PromptAnalyzer.analyze(f.chatBody);
            f.task(analysis.taskType().wireName(), false, analysis.complexity().wireName());
        }
        Deployment d = f.answeredBy;
        String model = d != null ? d.publicName() : f.requestedModel;
        long firstByte = f.firstByteNanos();
        long ttfbMs = firstByte != 0 ? (firstByte - f.startNanos) / 1_000_000 : status < 400 ? latencyNanos / 1_000_000 : -1;
        String error = f.errorCode;
        if (error == null && status >= 400) error = "http_" + status;
        return new UsageEvent("ue_" + RequestIds.newLedgerId(), requestId, f.startMs, f.accountId, f.keyId, f.endUser,
                f.tagsJson, path, f.requestedModel, model, d == null ? null : d.providerName(),
                d == null ? null : d.upstreamModel(), f.calls, f.fallback, f.attempts, f.task, f.taskDeclared,
                f.complexity, status, error, f.inputTokens, f.outputTokens, f.cachedTokens, f.cacheWriteTokens, f.reasoningTokens,
                f.costMicros, f.cacheSavingsMicros, f.cacheHit, f.streamed, latencyNanos / 1_000_000, ttfbMs,
                f.conversationId, f.preset, f.presetVersion);
    }

    /** Collapses paths to a bounded set of metric labels. */
    static String route(String path) {
        if (ENDPOINTS.contains(path)) return path;
        if (path.startsWith("/admin/")) return "/admin";
        if (path.startsWith("/v1/usage")) return "/v1/usage";
        return switch (path) {
            case "/v1/models", "/v1/estimate", "/v1/credits", "/v1/credits/history", "/health", "/ready", "/metrics" -> path;
            default -> "other";
        };
    }
}
