package dev.tollgate.limits;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * What one request may consume at most, known before any provider is called (docs/limits.md).
 *
 * @param models        the public names the request asks for (model, then its fallbacks), as the plan checks them
 * @param kind          which endpoint family; images are refused by a plan without the images feature
 * @param promptTokens  a guaranteed upper bound of the prompt (the cheap bound)
 * @param exactPrompt   the exact prompt count, asked only when the bound is over a plan's max_context
 * @param tokens        the worst case of tokens: prompt bound + n × output cap (what tpm and token quotas reserve)
 * @param spendMicros   the worst-case charge over every candidate of the route, in µcr (what budgets reserve)
 * @param images        images asked for (n); 0 for other endpoints
 */
public record Demand(List<String> models, Kind kind, long promptTokens, LongSupplier exactPrompt, long tokens,
                     long spendMicros, long images) {
    public enum Kind { CHAT, EMBEDDINGS, IMAGES }

    public Demand {
        models = List.copyOf(models);
        if (promptTokens < 0 || tokens < 0 || spendMicros < 0 || images < 0) {
            throw new IllegalArgumentException("a demand is never negative: " + promptTokens + "/" + tokens + "/"
                    + spendMicros + "/" + images);
        }
    }
}
