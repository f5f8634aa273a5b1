package dev.tollgate.routing.health;

import dev.tollgate.routing.Deployment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How fast each deployment has been, as observed by this replica since it started: an exponentially weighted
 * mean ({@link #WEIGHT} for the newest answer) of its latency (milliseconds from the call to the first streamed
 * chunk) and its throughput (output tokens per second from the first chunk to the end of a stream; a plain
 * answer counts its whole time, so its figure is a lower bound). What a request's {@code provider.sort:
 * latency | throughput} orders by (docs/routing.md). Thread-safe, no I/O, bounded by the configured deployments.
 */
public final class Speeds {
    static final double WEIGHT = 0.2;

    private record Figures(double latencyMs, double tokensPerSecond) {}

    private final ConcurrentHashMap<Deployment, Figures> figures = new ConcurrentHashMap<>();

    /** A stream's first chunk arrived {@code ms} after the call started. */
    public void latency(Deployment d, long ms) {
        if (ms < 0) return;
        figures.merge(d, new Figures(ms, Double.NaN), (old, now) ->
                new Figures(mean(old.latencyMs(), now.latencyMs()), old.tokensPerSecond()));
    }

    /** {@code tokens} output tokens were generated in {@code ms}; nothing is learnt from an empty or instant answer. */
    public void throughput(Deployment d, long tokens, long ms) {
        if (tokens <= 0 || ms <= 0) return;
        double perSecond = tokens * 1000.0 / ms;
        figures.merge(d, new Figures(Double.NaN, perSecond), (old, now) ->
                new Figures(old.latencyMs(), mean(old.tokensPerSecond(), now.tokensPerSecond())));
    }

    /** The observed latency in ms, NaN when none was observed yet. */
    public double latencyMs(Deployment d) {
        Figures f = figures.get(d);
        return f == null ? Double.NaN : f.latencyMs();
    }

    /** The observed throughput in tokens per second, NaN when none was observed yet. */
    public double tokensPerSecond(Deployment d) {
        Figures f = figures.get(d);
        return f == null ? Double.NaN : f.tokensPerSecond();
    }

    /** Stable: lowest observed latency first; deployments without a figure after all others, in their order. */
    public List<Deployment> fastestFirst(List<Deployment> candidates) {
        return sorted(candidates, d -> latencyMs(d));
    }

    /** Stable: highest observed throughput first; deployments without a figure after all others, in their order. */
    public List<Deployment> highestThroughputFirst(List<Deployment> candidates) {
        return sorted(candidates, d -> -tokensPerSecond(d));
    }

    private static List<Deployment> sorted(List<Deployment> candidates, java.util.function.ToDoubleFunction<Deployment> key) {
        List<Deployment> out = new ArrayList<>(candidates);
        out.sort(Comparator.comparingDouble(d -> {
            double k = key.applyAsDouble(d);
            return Double.isNaN(k) ? Double.POSITIVE_INFINITY : k;
        }));
        return out;
    }

    private static double mean(double old, double now) {
        if (Double.isNaN(now)) return old;
        return Double.isNaN(old) ? now : old + WEIGHT * (now - old);
    }
}
