package dev.tollgate.routing.health;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.routing.Deployment;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.random.RandomGenerator;

/**
 * What the attempt loop asks before and after each upstream call: may this deployment be called
 * (circuit breaker), may its provider take another call this minute ({@code providers[].rpm}), and how
 * long to back off before a retry. Also the read-only {@link #snapshot()} for the admin view.
 * Time comes from the injected clock; the backoff sleeper is injected so tests never sleep.
 */
public final class ProviderHealth implements AutoCloseable {
    private final Speeds speeds = new Speeds();
    /** How long one Redis round trip of the rpm check may take before the check fails open. */
    static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofMillis(250);
    /** Redis keys of the shared rpm limits: this prefix, then the provider name. */
    public static final String KEY_PREFIX = "tollgate:rpm:";

    private final Map<String, Integer> rpmByProvider = new LinkedHashMap<>();
    private final Map<String, List<String>> modelsByProvider = new LinkedHashMap<>();
    private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final TollgateConfig.Breaker breakerConfig;
    private final RateLimiter limiter;
    private final Backoff backoff;
    private final Backoff.Sleeper sleeper;
    private final Clock clock;

    public ProviderHealth(TollgateConfig config, RateLimiter limiter, Clock clock, Backoff.Sleeper sleeper,
                          RandomGenerator random) {
        for (TollgateConfig.Provider p : config.providers()) {
            if (p.rpm() != null) rpmByProvider.put(p.name(), p.rpm());
            modelsByProvider.put(p.name(), new ArrayList<>());
        }
        config.models().forEach(m -> modelsByProvider.get(m.provider()).add(m.name()));
        TollgateConfig.Routing routing = config.routing() == null ? TollgateConfig.Routing.NONE : config.routing();
        this.breakerConfig = routing.breaker();
        this.backoff = new Backoff(routing.retries(), random);
        this.limiter = limiter;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** The production wiring: Redis-backed limits when {@code redis:} is configured, else in memory. */
    public static ProviderHealth create(TollgateConfig config, MeterRegistry metrics, Clock clock, Backoff.Sleeper sleeper) {
        return new ProviderHealth(config, limiter(config.redis(), KEY_PREFIX, metrics, clock), clock,
                sleeper, RandomGenerator.getDefault());
    }

    /** Local when {@code redisUrl} is null or blank; otherwise shared through Redis under {@code keyPrefix}. */
    public static RateLimiter limiter(String redisUrl, String keyPrefix, MeterRegistry metrics, Clock clock) {
        if (redisUrl == null || redisUrl.isBlank()) return new LocalRateLimiter(clock);
        return new RedisRateLimiter(redisUrl, keyPrefix, REDIS_COMMAND_TIMEOUT, metrics, clock);
    }

    /** A permit to call {@code d}, or null when its breaker is open (or its half-open probe is out). */
    public CircuitBreaker.Permit admit(Deployment d) {
        return breaker(d.publicName()).tryAcquire();
    }

    /** One call's worth of {@code d}'s provider's rpm; always allowed when the provider has no {@code rpm}. */
    public RateLimiter.Decision takeRpm(Deployment d) {
        Integer rpm = rpmByProvider.get(d.providerName());
        return rpm == null ? RateLimiter.Decision.allow(-1) : limiter.tryAcquire(d.providerName(), rpm);
    }

    public Backoff backoff() { return backoff; }

    /** Observed latency and throughput per deployment (for {@code provider.sort}). */
    public Speeds speeds() { return speeds; }

    /** Waits {@code ms} with the injected sleeper; false when interrupted (give up retrying). */
    public boolean pause(long ms) {
        if (ms <= 0) return true;
        try {
            sleeper.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private CircuitBreaker breaker(String deployment) {
        return breakers.computeIfAbsent(deployment,
                k -> new CircuitBreaker(breakerConfig.failureThreshold(), breakerConfig.openMs(), clock));
    }

    /** Per provider, in config order: its rpm limit and headroom, and each deployment's breaker. */
    /** The breaker state of one deployment (by public model name), for the metrics gauge: no I/O. */
    public CircuitBreaker.State breakerState(String model) {
        return breaker(model).state();
    }

    public Snapshot snapshot() {
        List<ProviderView> out = new ArrayList<>();
        modelsByProvider.forEach((provider, models) -> {
            List<DeploymentView> deployments = new ArrayList<>();
            for (String model : models) {
                CircuitBreaker b = breaker(model);
                long probeAt = b.probeAtMs();
                deployments.add(new DeploymentView(model, b.state().name().toLowerCase(java.util.Locale.ROOT),
                        b.consecutiveFailures(), probeAt == 0 ? null : probeAt));
            }
            Integer rpm = rpmByProvider.get(provider);
            Long headroom = rpm == null ? null : limiter.headroom(provider, rpm);
            out.add(new ProviderView(provider, rpm, headroom, rpm == null ? null : limiter.kind(), List.copyOf(deployments)));
        });
        return new Snapshot(List.copyOf(out));
    }

    @Override
    public void close() {
        limiter.close();
    }

    public record Snapshot(List<ProviderView> providers) {}

    /**
     * {@code rpmHeadroom}: calls the provider may take now (-1 when the shared store is unreachable);
     * {@code rpm}, {@code rpmHeadroom} and {@code rpmLimiter} ("local" or "redis") are null without a limit.
     */
    public record ProviderView(String name, Integer rpm, Long rpmHeadroom, String rpmLimiter,
                               List<DeploymentView> deployments) {}

    /** {@code breaker}: closed, open or half_open; {@code probeAtMs}: when an open breaker admits its probe. */
    public record DeploymentView(String model, String breaker, int consecutiveFailures, Long probeAtMs) {}
}
