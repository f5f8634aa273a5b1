package dev.tollgate.http;

import dev.tollgate.Gateway;
import dev.tollgate.api.Admin;
import dev.tollgate.api.ChatCompletions;
import dev.tollgate.api.ChatPipeline;
import dev.tollgate.api.CreditsApi;
import dev.tollgate.api.Embeddings;
import dev.tollgate.api.Estimate;
import dev.tollgate.api.anthropic.Messages;
import dev.tollgate.api.Images;
import dev.tollgate.api.LimitsApi;
import dev.tollgate.api.UsageReset;
import dev.tollgate.api.Models;
import dev.tollgate.api.UsageApi;
import dev.tollgate.api.AnalyticsAdmin;
import dev.tollgate.json.Json;
import dev.tollgate.limits.stop.StopsAdmin;
import dev.tollgate.limits.LimitExceededException;
import dev.tollgate.api.ProvidersAdmin;
import dev.tollgate.routing.NoRouteException;
import dev.tollgate.routing.UnknownModelException;
import dev.tollgate.routing.auto.NoAutoCandidateException;
import dev.tollgate.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The HTTP surface: every route in one place, used by {@code serve} and by the tests. */
public final class TollgateServer {
    private static final Logger LOG = Logger.getLogger(TollgateServer.class.getName());
    private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

    private TollgateServer() {}

    /** Helidon's default limit on the request line plus headers; over it the answer is 431 (TransportErrors). */
    static final int MAX_HEADERS_BYTES = 16 * 1024;

    public static WebServer start(Gateway gateway, String host, int port, String adminToken) {
        return WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false) // serve's own hook drains in-flight requests first, then stops the server
                .addProtocol(io.helidon.webserver.http1.Http1Config.builder().maxHeadersSize(MAX_HEADERS_BYTES).build())
                .directHandlers(TransportErrors.handlers(MAX_HEADERS_BYTES))
                .errorHandling(e -> e.includeEntity(true)) // lets TransportErrors see why Helidon refused a request
                // every SSE event is flushed on its own; Nagle would hold small ones back for an ACK
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> routing(r, gateway, adminToken))
                .build()
                .start();
    }

    public static void routing(HttpRouting.Builder router, Gateway gateway, String adminToken) {
        HttpRouting.Builder r = RouteFallback.install(router); // 404, 405 and HEAD for every route below
        Authenticator auth = new Authenticator(gateway.accounts(), adminToken);
        long maxBody = gateway.config().server().maxBodyBytes();
        LimitsApi limits = new LimitsApi(auth, gateway.config().limits(), gateway.guard(), gateway.quotas(),
                gateway.alerts(), gateway.usage().queries());
        UsageApi usage = new UsageApi(auth, gateway.usage());
        dev.tollgate.api.CacheStep cacheStep = new dev.tollgate.api.CacheStep(gateway.cache(), gateway.billing());
        dev.tollgate.api.CacheStatsApi cacheStats = new dev.tollgate.api.CacheStatsApi(auth, gateway.cache());
        Models models = new Models(auth, gateway.catalog(), gateway.clock().millis() / 1000);
        var presetStore = new dev.tollgate.state.presets.SqlPresetStore(gateway.database()); // presets (docs/presets.md)
        var imageStore = new dev.tollgate.state.images.SqlImageStore(gateway.database()); // image history (docs/images.md)
        var keyRights = new dev.tollgate.account.KeyRights(gateway.database(), gateway.clock()); // docs/dashboard.md
        dev.tollgate.web.Dashboard.routing(r); // GET / and its assets (docs/dashboard.md)
        r.addFilter(gateway.readiness()) // counts requests in flight, so a shutdown can drain them
                .addFilter(new RequestIds())
                .addFilter(new Metrics(gateway.metrics()))
                .addFilter(gateway.usage().recorder())
                .addFilter(new Cors(gateway.config().server().corsAllowedOrigins())) // preflights answered before routing
                .get("/health", (req, res) -> json(res, 200, HEALTHY))
                .get("/ready", gateway.readiness()::handle) // 503 while the store is unreachable or draining
                .get("/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(gateway.metrics().scrape());
                })
                .post("/v1/chat/completions", new ChatCompletions(auth, gateway.router(), gateway.guard(),
                        pipeline(gateway),
                        cacheStep, maxBody, new dev.tollgate.api.PresetStep(presetStore), conversationStep(gateway)))
                .register(dev.tollgate.api.PresetsApi.PATH, new dev.tollgate.api.PresetsApi(auth, presetStore,
                        gateway.guard(), gateway.clock(), new dev.tollgate.usage.PresetUsage(gateway.usage().store())))
                .post("/v1/messages", new Messages(auth, gateway.router(), gateway.guard(),
                        pipeline(gateway), cacheStep, maxBody,
                        new dev.tollgate.api.PresetStep(presetStore)))
                .register(dev.tollgate.api.responses.Responses.PATH, responses(auth, gateway, maxBody))
                .register(dev.tollgate.api.conversations.ConversationsApi.PATH, conversations(auth, gateway, maxBody))
                .post(dev.tollgate.api.Completions.PATH, new dev.tollgate.api.Completions(auth, gateway.router(), gateway.guard(),
                        pipeline(gateway), maxBody)) // legacy completions
                .post(dev.tollgate.api.anthropic.CountTokens.PATH, new dev.tollgate.api.anthropic.CountTokens(auth,
                        gateway.router(), gateway.stops(), maxBody))
                .post("/v1/embeddings", new Embeddings(auth, gateway.catalog(), gateway.billing(), gateway.guard(),
                        gateway.health(), gateway.stops(), maxBody))
                .post("/v1/images/generations", new Images(auth, gateway.catalog(), gateway.billing(), gateway.guard(),
                        gateway.health(), gateway.stops(), maxBody, new dev.tollgate.api.images.ImageKeeper(imageStore,
                        gateway.config().state().images(), gateway.clock())))
                .register(dev.tollgate.api.images.ImagesHistoryApi.PATH, new dev.tollgate.api.images.ImagesHistoryApi(auth,
                        imageStore)) // GET /v1/images, GET|DELETE /v1/images/{id} (docs/images.md)
                .post("/v1/estimate", new Estimate(auth, gateway.router(), gateway.billing(), maxBody,
                        gateway.usage().queries(), gateway.clock()))
                .register("/v1/credits", new CreditsApi(auth, gateway.ledger()))
                .get(UsageApi.STATS, usage::stats)
                .get(UsageApi.DAILY, usage::daily)
                .register("/admin/analytics", new AnalyticsAdmin(auth, gateway.usage()))
                .get("/v1/models", models::list)
                .get("/v1/models/{+id}", models::retrieve) // ids may contain '/' (openai/gpt-4o)
                .get("/v1/plans", limits::plans)
                .get("/v1/usage", limits::usage)
                .get("/v1/cache/stats", cacheStats::mine)
                .get("/admin/cache/stats", cacheStats::all)
                .post("/admin/accounts/{id}/usage/reset", new UsageReset(auth, gateway.accounts(), gateway.quotas()))
                .get("/admin/providers", new ProvidersAdmin(auth, gateway.config(), gateway.budgets(), gateway.health()))
                .register("/admin/emergency-stop", new StopsAdmin(auth, gateway.stops())) // emergency stop
                .get("/admin/alerts", new dev.tollgate.api.AlertsAdmin(auth, gateway.alerts()))
                .register(dev.tollgate.api.KeysApi.PATH, new dev.tollgate.api.KeysApi(auth, gateway.accounts(), keyRights))
                .get("/admin/accounts", new dev.tollgate.api.AccountsList(auth,
                        new dev.tollgate.account.AccountDirectory(gateway.database()), gateway.ledger()))
                .register("/admin", new Admin(auth, gateway.accounts(), gateway.ledger(), gateway.config(), keyRights))
                .error(ApiException.class, TollgateServer::apiError)
                .error(UnknownModelException.class, (req, res, e) -> apiError(req, res,
                        ApiException.notFound("model_not_found", "model", e.getMessage())))
                .error(NoRouteException.class, (req, res, e) -> apiError(req, res, noRoute(e)))
                .error(NoAutoCandidateException.class, (req, res, e) -> apiError(req, res,
                        ApiException.notFound("model_not_found", "model", "model 'auto': " + e.getMessage())))
                .error(dev.tollgate.limits.stop.StoppedException.class, (req, res, e) -> apiError(req, res, // emergency stop
                        dev.tollgate.limits.stop.StopErrors.refused(e.stop())))
                .error(dev.tollgate.ledger.InsufficientCreditsException.class, (req, res, e) -> apiError(req, res,
                        ChatPipeline.insufficient(e)))
                .error(LimitExceededException.class, (req, res, e) -> apiError(req, res, new ApiException(
                        e.reason().status, e.reason().type, e.reason().code, e.param(), e.getMessage(), e.retryAfterSeconds())))
                .error(StoreException.class, (req, res, e) -> {
                    LOG.log(Level.SEVERE, "store failure on request " + RequestIds.of(req), e);
                    apiError(req, res, new ApiException(503, "service_unavailable", "store_unavailable", null,
                            "The gateway's store is unavailable; try again shortly", 1L));
                })
                .error(Throwable.class, (req, res, e) -> {
                    LOG.log(Level.SEVERE, "unexpected failure on request " + RequestIds.of(req), e);
                    apiError(req, res, new ApiException(500, "server_error", "internal_error", null,
                            "Internal error; the request id in x-request-id identifies it in the gateway's log", null));
                });
    }

    /** The chat pipeline every chat-shaped endpoint runs (stateless: one per handler is as good as one shared). */
    private static ChatPipeline pipeline(Gateway gateway) {
        return new ChatPipeline(gateway.billing(), gateway.health(), gateway.stops(), gateway.config().cache().breakpoints());
    }

    /** The Responses API: create, and the caller's own stored responses read and deleted by id. */
    private static io.helidon.webserver.http.HttpService responses(Authenticator auth, Gateway gateway, long maxBody) {
        var api = new dev.tollgate.api.responses.Responses(auth, gateway.router(), gateway.guard(),
                pipeline(gateway),
                new dev.tollgate.state.responses.SqlResponseStore(gateway.database()), gateway.clock(), maxBody,
                new dev.tollgate.api.responses.ConversationLink(new dev.tollgate.state.conversations.SqlConversationStore(
                        gateway.database()), gateway.catalog(), gateway.config().state().conversations(), gateway.clock()),
                new dev.tollgate.api.PresetStep(new dev.tollgate.state.presets.SqlPresetStore(gateway.database())));
        return rules -> rules.post("/", api::create).get("/{id}", api::retrieve).delete("/{id}", api::delete)
                .get("/{id}/input_items", api::inputItems);
    }

    /** {@code conversation_id} on chat completions, with automatic titles when configured (docs/conversations.md). */
    private static dev.tollgate.api.conversations.ConversationStep conversationStep(Gateway gateway) {
        var store = new dev.tollgate.state.conversations.SqlConversationStore(gateway.database());
        var config = gateway.config().state().conversations();
        var titles = new dev.tollgate.api.conversations.Titles(config, gateway.catalog(),
                pipeline(gateway), gateway.usage().recorder(), store,
                gateway.clock(), gateway.guard()::plan, gateway.metrics());
        return new dev.tollgate.api.conversations.ConversationStep(store, gateway.catalog(), config, titles, gateway.clock());
    }

    /** The Conversations API (docs/conversations.md): the caller's conversations, their items and stats. */
    private static io.helidon.webserver.http.HttpService conversations(Authenticator auth, Gateway gateway, long maxBody) {
        return new dev.tollgate.api.conversations.ConversationsApi(auth,
                new dev.tollgate.state.conversations.SqlConversationStore(gateway.database()),
                gateway.config().state().conversations(), gateway.clock(), maxBody,
                new dev.tollgate.api.conversations.ConversationStats(new dev.tollgate.usage.ConversationUsage(gateway.usage().store())));
    }

    /** Every candidate unsuitable: the request must change (400). Every budget used: retry next month (429). */
    static ApiException noRoute(NoRouteException e) {
        return switch (e.kind()) {
            case UNSUITABLE -> ApiException.invalid("model", e.getMessage());
            case BUDGET_EXHAUSTED -> new ApiException(429, "quota_exceeded", "quota_exceeded", null, e.getMessage(),
                    e.retryAfterSeconds());
        };
    }

    static void apiError(ServerRequest req, ServerResponse res, ApiException e) {
        dev.tollgate.usage.UsageFacts.current().error(e.code());
        if (res.isSent()) return;
        if (e.retryAfterSeconds() != null) res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        String path = req.path().path();
        boolean anthropic = path.equals(Messages.PATH) || path.startsWith(Messages.PATH + "/")
                || path.startsWith("/v1/models") && dev.tollgate.api.AnthropicStyle.of(req);
        json(res, e.status(), Json.bytes(anthropic ? ErrorBodies.anthropic(e, RequestIds.of(req)) : ErrorBodies.openAi(e)));
    }

    static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
