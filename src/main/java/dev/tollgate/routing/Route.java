package dev.tollgate.routing;

import dev.tollgate.routing.auto.AutoSelection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link Router} decided for one request: the deployments to try, in order (never empty), for
 * {@code "model": "auto"} the selection that produced them (null otherwise), and the deployments the
 * request's provider preferences took out, with why (listed first in {@code x-tollgate-attempts}).
 */
public record Route(List<Deployment> candidates, AutoSelection auto, List<Skip> skipped) {
    /** A deployment not tried, and the {@code skip:} reason the attempts header gives. */
    public record Skip(Deployment deployment, String reason) {}

    public Route {
        if (candidates.isEmpty()) throw new IllegalArgumentException("a route has at least one candidate");
        candidates = List.copyOf(candidates);
        skipped = List.copyOf(skipped);
    }

    public Route(List<Deployment> candidates, AutoSelection auto) {
        this(candidates, auto, List.of());
    }

    /**
     * The decision headers of an auto route ({@code x-tollgate-task-type}, {@code -complexity},
     * {@code -quality-score}, {@code -reasoning}); empty otherwise. ASCII and bounded: the reasoning
     * is at most 240 printable ASCII characters.
     */
    public Map<String, String> headers() {
        if (auto == null) return Map.of();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("x-tollgate-task-type", auto.analysis().taskType().wireName());
        out.put("x-tollgate-complexity", auto.analysis().complexity().wireName());
        out.put("x-tollgate-quality-score", qualityScore());
        out.put("x-tollgate-reasoning", auto.reasoning());
        return out;
    }

    /** The quality score with two decimals ("0.95"). */
    public String qualityScore() {
        return String.format(Locale.ROOT, "%.2f", auto.qualityScore());
    }
}
