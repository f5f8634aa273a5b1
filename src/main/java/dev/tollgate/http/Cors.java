package dev.tollgate.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;
import java.util.Set;

/**
 * CORS for browser apps that call {@code /v1/*} directly ({@code server.cors.allowed_origins}; none by default).
 * A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) on {@code /v1/*} is answered here, 204,
 * before routing (the {@link RouteFallback} would call it 405); the {@code Access-Control-Allow-*} headers are
 * added only for an allowed origin, so a browser refuses every other one. Admin endpoints never get CORS: the
 * admin token must not be usable from a web page.
 */
public final class Cors implements Filter {
    private static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");
    private static final HeaderName REQUEST_HEADERS = HeaderNames.create("Access-Control-Request-Headers");
    private static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
    /** What the SDKs send: auth both ways, Anthropic's version/beta headers, content type, OpenAI/Stainless extras. */
    private static final String DEFAULT_ALLOWED_HEADERS = "authorization, content-type, x-api-key, anthropic-version, "
            + "anthropic-beta, openai-organization, openai-project";
    /** The answer headers a browser app may read (the gateway's own, the request id, rate limits). */
    private static final String EXPOSED_HEADERS = "x-request-id, request-id, retry-after, x-tollgate-cost, x-tollgate-balance, "
            + "x-tollgate-provider, x-tollgate-model, x-tollgate-attempts, x-tollgate-dropped-fields, x-tollgate-token-count, "
            + "x-tollgate-preset, x-tollgate-schema, " // presets and structured outputs (docs/presets.md)
            + "x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests, "
            + "x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, x-ratelimit-reset-tokens";
    private static final long MAX_AGE_SECONDS = 600;

    private final Set<String> allowedOrigins;
    private final boolean anyOrigin;

    public Cors(List<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.contains("*");
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!path.startsWith("/v1/")) {
            chain.proceed();
            return;
        }
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        boolean allowed = origin != null && (anyOrigin || allowedOrigins.contains(origin));
        res.header(HeaderNames.VARY, "Origin"); // the answer depends on the Origin: caches must not mix them
        if (req.prologue().method().equals(Method.OPTIONS) && req.headers().contains(REQUEST_METHOD)) {
            if (allowed) {
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
                        req.headers().first(REQUEST_HEADERS).orElse(DEFAULT_ALLOWED_HEADERS));
                res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(MAX_AGE_SECONDS));
            }
            res.status(204);
            res.send();
            return;
        }
        if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        }
        chain.proceed();
    }
}
