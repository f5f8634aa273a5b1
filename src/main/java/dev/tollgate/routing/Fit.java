package dev.tollgate.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether one deployment can serve one request: it has every capability the request needs, and
 * the prompt plus the output cap fit its {@code context_window}. The prompt is measured by the
 * cheap guaranteed bound first; only when that does not fit, and the model's vocabulary is known,
 * by the exact count. The output cap is the request's own {@code max_completion_tokens} /
 * {@code max_tokens}; without one the prompt must leave room for one token
 * ({@code credits.default_output_tokens} is a billing assumption, not a length the client asked for).
 * Files and audio are left out of the context measure: their bound is a hold's worst case, and the
 * provider judges whether a document fits. One instance per request; the prompt bound (for costs) is
 * measured once per upstream model.
 */
final class Fit {
    private final JsonNode body;
    private final Needs needs;
    private final Long explicitCap;
    private final Map<String, Long> boundByUpstream = new HashMap<>();

    Fit(JsonNode body) {
        this.body = body;
        this.needs = Needs.of(body);
        this.explicitCap = PriceBook.explicitOutputCap(body);
    }

    /** {@link PromptTokens#upperBound} for {@code d}'s upstream model, measured once per upstream model. */
    long promptBound(Deployment d) {
        return boundByUpstream.computeIfAbsent(d.upstreamModel(), m -> PromptTokens.upperBound(body, m));
    }

    /** The first capability the request needs that {@code d} lacks ({@code json_schema}, ...), or null. */
    String missingCapability(Deployment d) {
        for (String c : needs.names()) if (!d.model().can(c)) return c;
        return null;
    }

    /** Null when {@code d} can serve the request, else why not (ASCII, for the error message). */
    String problem(Deployment d) {
        List<String> missing = needs.names().stream()
                .filter(c -> !d.model().can(c) || !d.provider().accepts(c))
                .map(c -> needs.where().containsKey(c) ? c + " (" + needs.where().get(c) + ")" : c)
                .toList();
        if (!missing.isEmpty()) return d.publicName() + ": does not support " + String.join(", ", missing);
        Integer window = d.model().contextWindow();
        if (window == null) return null;
        long cap = explicitCap == null ? 1 : explicitCap;
        long prompt = PromptTokens.upperBoundWithoutFiles(body, d.upstreamModel()); // files: the provider judges
        if (prompt + cap <= window) return null;
        if (PromptTokens.exactSupported(d.upstreamModel())) {
            prompt = PromptTokens.exact(body, d.upstreamModel(), false);
            if (prompt + cap <= window) return null;
        }
        return d.publicName() + ": context window " + window + " tokens < " + (prompt + cap) + " needed (prompt "
                + prompt + (explicitCap == null ? " + 1" : " + max_tokens " + explicitCap) + ")";
    }
}
