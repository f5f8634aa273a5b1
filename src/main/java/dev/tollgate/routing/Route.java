package dev.tollgate.routing;

import dev.tollgate.routing.auto.AutoSelection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link Router} decided for one request: the deployments to try, in order (never empty), and
 * for {@code "model": "auto"} the selection that produced them (null otherwise).
 */
public record Route(List<Deployment> candidates, AutoSelection auto) {
    public Route {
        if (candidates.isEmpty()) throw new IllegalArgumentException("a route has at least one candidate");
        candidates = List.copyOf(candidates);
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
