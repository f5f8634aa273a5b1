package dev.tollgate.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus meters fed from each finished request (docs/analytics.md "Metrics"). Labels are bounded:
 * route (a fixed list), model and provider as configured (never the name a caller typed), status,
 * token type, error kind. No account, key or end-user label: that is what the rollups are for.
 */
final class UsageMetrics {
    /** Latency buckets (fixed, so each series has a dozen buckets, not Micrometer's ~70). */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    UsageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void request(String route, String model, String provider, int status, long latencyNanos) {
        String s = Integer.toString(status);
        requests.computeIfAbsent(route + '\u0000' + model + '\u0000' + provider + '\u0000' + s,
                k -> Timer.builder("tollgate.requests").description("Requests by route, model that answered, provider and status")
                        .tag("route", route).tag("model", model).tag("provider", provider).tag("status", s)
                        .serviceLevelObjectives(BUCKETS).register(registry))
                .record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    void tokens(String model, String provider, String type, long n) {
        if (n <= 0) return;
        counter("tollgate.tokens", "Tokens metered, by type (input, output, cached, reasoning)",
                "model", model, "provider", provider, "type", type).increment(n);
    }

    void creditsCharged(String model, String provider, long micros) {
        if (micros <= 0) return;
        counter("tollgate.credits.charged.micros", "Credits charged, in µcr", "model", model, "provider", provider)
                .increment(micros);
    }

    void upstreamError(String provider, String kind) {
        counter("tollgate.upstream.errors", "Failed provider calls, by kind (timeout, server_error, rate_limited, ...)",
                "provider", provider, "kind", kind).increment();
    }

    /** {@code tags}: name, value, name, value, ... */
    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + '\u0000' + String.join("\u0000", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
