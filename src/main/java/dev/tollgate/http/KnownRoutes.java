package dev.tollgate.http;

import io.helidon.common.uri.UriPath;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpSecurity;
import io.helidon.webserver.http.HttpService;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Every route registered through {@link #recording}, kept so a request no route answered can be told
 * apart: a path nobody serves (404) from a path served for other methods (405 with {@code Allow}).
 * Helidon's router cannot be asked that, so the routes are recorded as they are registered: a route is
 * asked with Helidon's own {@link HttpRoute#accepts}; a service mounted under a path is recorded as a
 * mount whose own routes see the rest of the path, as Helidon's route crawler does. Nothing is
 * duplicated by hand, so a route another change adds is known here without touching this class.
 */
final class KnownRoutes {
    /** The methods {@code Allow} can name; HEAD is added wherever GET is served (see {@link RouteFallback}). */
    private static final List<Method> METHODS = List.of(Method.GET, Method.POST, Method.PUT, Method.PATCH, Method.DELETE,
            Method.HEAD, Method.OPTIONS);

    private sealed interface Node permits Leaf, Mount {}

    private record Leaf(HttpRoute route) implements Node {}

    private record Mount(PathMatcher prefix, List<Node> children) implements Node {}

    private final List<Node> root = new CopyOnWriteArrayList<>();

    /** The methods some route accepts for this request's path, in a fixed order; empty when none does. */
    Set<Method> allowed(HttpPrologue request) {
        Set<Method> out = new LinkedHashSet<>();
        for (Method m : METHODS) {
            if (accepts(root, withMethod(request, m))) out.add(m);
        }
        return out;
    }

    boolean accepts(HttpPrologue request) {
        return accepts(root, request);
    }

    static HttpPrologue withMethod(HttpPrologue p, Method method) {
        return HttpPrologue.create(p.rawProtocol(), p.protocol(), p.protocolVersion(), method, p.uriPath(), p.query(),
                p.fragment());
    }

    private static boolean accepts(List<Node> nodes, HttpPrologue p) {
        for (Node n : nodes) {
            switch (n) {
                case Leaf leaf -> {
                    if (leaf.route().accepts(p).accepted()) return true;
                }
                case Mount mount -> {
                    PathMatchers.PrefixMatchResult r = mount.prefix().prefixMatch(p.uriPath());
                    if (r.accepted() && accepts(mount.children(), withPath(p, r.unmatchedPath()))) return true;
                }
            }
        }
        return false;
    }

    private static HttpPrologue withPath(HttpPrologue p, UriPath path) {
        return HttpPrologue.create(p.rawProtocol(), p.protocol(), p.protocolVersion(), p.method(), path, p.query(),
                p.fragment());
    }

    /** A builder that registers everything on {@code target} and records the routes here. */
    HttpRouting.Builder recording(HttpRouting.Builder target) {
        return new RecordingBuilder(target, root);
    }

    private static HttpService[] mounted(List<Node> into, PathMatcher prefix, HttpService... services) {
        HttpService[] out = new HttpService[services.length];
        for (int i = 0; i < services.length; i++) {
            List<Node> children = new CopyOnWriteArrayList<>();
            into.add(new Mount(prefix, children));
            out[i] = new RecordedService(services[i], children);
        }
        return out;
    }

    /** Helidon calls a service's routing() when the routing is built; its rules are recorded then. */
    private record RecordedService(HttpService service, List<Node> children) implements HttpService {
        @Override
        public void routing(HttpRules rules) {
            service.routing(new RecordingRules(rules, children));
        }

        @Override
        public void beforeStart() { service.beforeStart(); }

        @Override
        public void afterStart(WebServer webServer) { service.afterStart(webServer); }

        @Override
        public void afterStop() { service.afterStop(); }
    }

    private record RecordingRules(HttpRules target, List<Node> nodes) implements HttpRules {
        @Override
        public HttpRules register(HttpService... services) {
            target.register(mounted(nodes, PathMatchers.any(), services));
            return this;
        }

        @Override
        public HttpRules register(String pathPattern, HttpService... services) {
            target.register(pathPattern, mounted(nodes, PathMatchers.create(pathPattern), services));
            return this;
        }

        @Override
        public HttpRules route(HttpRoute route) {
            nodes.add(new Leaf(route));
            target.route(route);
            return this;
        }
    }

    /** Every default method of {@link HttpRouting.Builder} ends in one of these, so every route is seen. */
    private record RecordingBuilder(HttpRouting.Builder target, List<Node> nodes) implements HttpRouting.Builder {
        @Override
        public HttpRouting.Builder register(HttpService... services) {
            target.register(mounted(nodes, PathMatchers.any(), services));
            return this;
        }

        @Override
        public HttpRouting.Builder register(String pathPattern, HttpService... services) {
            target.register(pathPattern, mounted(nodes, PathMatchers.create(pathPattern), services));
            return this;
        }

        @Override
        public HttpRouting.Builder route(HttpRoute route) {
            nodes.add(new Leaf(route));
            target.route(route);
            return this;
        }

        @Override
        public HttpRouting.Builder addFilter(Filter filter) {
            target.addFilter(filter);
            return this;
        }

        @Override
        public HttpRouting.Builder addFeature(Supplier<? extends HttpFeature> feature) {
            target.addFeature(feature);
            return this;
        }

        @Override
        public <T extends Throwable> HttpRouting.Builder error(Class<T> exceptionClass, ErrorHandler<? super T> handler) {
            target.error(exceptionClass, handler);
            return this;
        }

        @Override
        public HttpRouting.Builder maxReRouteCount(int max) {
            target.maxReRouteCount(max);
            return this;
        }

        @Override
        public HttpRouting.Builder security(HttpSecurity security) {
            target.security(security);
            return this;
        }

        @Override
        public HttpRouting.Builder copy() {
            return target.copy();
        }

        @Override
        public HttpRouting build() {
            return target.build();
        }
    }
}
