package dev.tollgate.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.NotFoundException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What happens to a request no route answers, for every route at once:
 * <ul>
 *   <li>a path no route serves: 404 {@code unknown_url} in the endpoint's error JSON;</li>
 *   <li>a path served for other methods: 405 {@code method_not_allowed} with {@code Allow};</li>
 *   <li>HEAD where only GET is registered: the GET route answers and its body is dropped.</li>
 * </ul>
 * Helidon answers an unrouted request by throwing {@link NotFoundException}; handling that here (not
 * with a catch-all route) keeps registration order irrelevant: a {@code GET /} added later simply
 * wins, wherever it is registered. None of these is logged: they are the client's mistake.
 */
public final class RouteFallback {
    private final KnownRoutes routes = new KnownRoutes();

    private RouteFallback() {}

    /**
     * Installs the fallback on {@code target}; routes must be registered through the returned builder
     * so the fallback knows them (it registers everything on {@code target} unchanged).
     */
    public static HttpRouting.Builder install(HttpRouting.Builder target) {
        RouteFallback fallback = new RouteFallback();
        target.addFilter(fallback.new HeadAsGet())
                .error(NotFoundException.class, (req, res, e) -> fallback.unrouted(req, res));
        return fallback.routes.recording(target);
    }

    private void unrouted(ServerRequest req, ServerResponse res) {
        HttpPrologue asked = req.prologue();
        String method = req.context().get(HeadAsGet.ORIGINAL_METHOD, String.class).orElse(asked.method().text());
        String path = asked.uriPath().path();
        Set<Method> allowed = routes.allowed(asked);
        if (allowed.isEmpty()) {
            TollgateServer.apiError(req, res, ApiException.notFound("unknown_url", null,
                    "Unknown request URL: " + method + " " + path));
            return;
        }
        if (allowed.contains(Method.GET)) allowed.add(Method.HEAD);
        String allow = allowed.stream().map(Method::text).collect(Collectors.joining(", "));
        res.header(HeaderNames.ALLOW, allow);
        TollgateServer.apiError(req, res, new ApiException(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + method + " is not allowed on " + path + "; allowed: " + allow, null));
    }

    /** HEAD on a path with no HEAD route is answered as GET with the body dropped (RFC 9110 §9.3.2). */
    private final class HeadAsGet implements Filter {
        static final String ORIGINAL_METHOD = "tollgate.original-method";

        @Override
        public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
            HttpPrologue p = req.prologue();
            if (p.method().equals(Method.HEAD) && !routes.accepts(p)) {
                req.context().register(ORIGINAL_METHOD, Method.HEAD.text());
                req.prologue(KnownRoutes.withMethod(p, Method.GET));
                res.streamFilter(BodyDropped::new);
            }
            chain.proceed();
        }
    }

    /** Swallows the entity but completes the response when closed. */
    private static final class BodyDropped extends FilterOutputStream {
        BodyDropped(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) {
            // a HEAD answer carries no body
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // a HEAD answer carries no body
        }
    }
}
