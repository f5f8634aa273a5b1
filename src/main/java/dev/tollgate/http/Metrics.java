package dev.tollgate.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Counts requests by path and status and times them; exposed at {@code /metrics}. */
public final class Metrics implements Filter {
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer latency;

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("tollgate.http.server.duration").description("Time to handle a request").register(registry);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String path = route(req.path().path()); // before routing: a service registered under a prefix leaves it relative
        try {
            chain.proceed();
        } finally {
            latency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            int status = res.status().code();
            counters.computeIfAbsent(path + " " + status, k -> Counter.builder("tollgate.http.requests")
                    .tag("path", path).tag("status", Integer.toString(status)).register(registry)).increment();
        }
    }

    /** Collapses ids so the metric has a bounded number of series. */
    private static String route(String path) {
        if (path.startsWith("/admin/")) return "/admin";
        return switch (path) {
            case "/v1/chat/completions", "/v1/completions", "/v1/messages", "/v1/models", "/v1/estimate", "/v1/credits", "/v1/credits/history", "/health", "/ready", "/metrics" -> path;
            default -> "other";
        };
    }
}
