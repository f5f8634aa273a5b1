package dev.tollgate.metering;

import dev.tollgate.config.TollgateConfig;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every configured model's price, fixed when the config is loaded. The config loader already
 * refuses a model without a price, so a lookup miss here is a programmer error (a router handing
 * out a model the config never had) and fails loudly instead of billing nothing.
 */
public final class PriceBook {
    /** Gemini's largest documented thinking budget (2.5 Pro), what a dynamic budget may use at most. */
    static final long DYNAMIC_THINKING_TOKENS_MAX = 32_768;

    private final Map<String, ModelPrice> byModel;
    private final int defaultOutputTokens;

    public PriceBook(TollgateConfig config) {
        TollgateConfig.Credits credits = config.credits();
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        for (TollgateConfig.Model m : config.models()) {
            TollgateConfig.Price p = m.price();
            ImagePrices image = p.image() == null ? null : new ImagePrices(p.image().bySize(), p.image().byQuality());
            prices.put(m.name(), new ModelPrice(m.name(), p.input(), p.cachedInput(), p.output(),
                    credits.usdPerCredit(), m.free(), image, p.cacheWrite(), p.cacheWrite1h()));
        }
        this.byModel = Map.copyOf(prices);
        this.defaultOutputTokens = credits.defaultOutputTokens();
    }

    /** The price of a configured model (public name, not an alias). */
    public ModelPrice price(String modelName) {
        ModelPrice price = byModel.get(modelName);
        if (price == null) throw new IllegalArgumentException("no price for model '" + modelName + "'");
        return price;
    }

    public Collection<ModelPrice> all() {
        return byModel.values();
    }

    /**
     * The most output ONE answer may produce as far as holds are concerned: the larger of its
     * {@code max_completion_tokens} and {@code max_tokens} (a provider that knows only one of them
     * obeys that one), else {@link #defaultOutputTokens}. For the whole request see {@link #outputBound}.
     */
    public long outputCap(com.fasterxml.jackson.databind.JsonNode request) {
        Long explicit = explicitOutputCap(request);
        return explicit != null ? explicit : defaultOutputTokens + reasoningBudget(request);
    }

    /**
     * A thinking budget the request declares: Anthropic's {@code thinking.budget_tokens} or Gemini's
     * {@code thinkingConfig.thinkingBudget} (dynamic, -1, counts as {@link #DYNAMIC_THINKING_TOKENS_MAX});
     * 0 when none. Every provider counts thinking inside an explicit output cap, so this widens the
     * default cap only: a model may think for its whole budget and then still answer.
     */
    public static long reasoningBudget(com.fasterxml.jackson.databind.JsonNode request) {
        com.fasterxml.jackson.databind.JsonNode anthropic = request.path("thinking").path("budget_tokens");
        if (anthropic.canConvertToLong() && anthropic.asLong() > 0) return anthropic.asLong();
        com.fasterxml.jackson.databind.JsonNode gemini = request.path("thinkingConfig").path("thinkingBudget");
        if (gemini.canConvertToLong()) {
            long budget = gemini.asLong();
            return budget < 0 ? DYNAMIC_THINKING_TOKENS_MAX : budget;
        }
        return 0;
    }

    /**
     * The most output the whole request may produce: {@link #answers} × {@link #outputCap}. This is
     * what a hold prices; every answer a provider generates is billed as output.
     */
    public long outputBound(com.fasterxml.jackson.databind.JsonNode request) {
        return Math.multiplyExact(answers(request), outputCap(request));
    }

    /**
     * How many answers the provider generates: the larger of {@code n} and {@code best_of}
     * (OpenAI-compatible servers such as vLLM generate {@code best_of} candidates and bill all of
     * them), at least 1. The request parser has already refused values above its limit.
     */
    public static long answers(com.fasterxml.jackson.databind.JsonNode request) {
        long answers = 1;
        for (String field : new String[] {"n", "best_of"}) {
            com.fasterxml.jackson.databind.JsonNode v = request.get(field);
            if (v != null && v.canConvertToLong()) answers = Math.max(answers, v.asLong());
        }
        return answers;
    }

    /**
     * The request's own output cap per answer: the larger of {@code max_completion_tokens} and
     * {@code max_tokens} when both are set; null when it sets neither.
     */
    public static Long explicitOutputCap(com.fasterxml.jackson.databind.JsonNode request) {
        Long cap = null;
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            com.fasterxml.jackson.databind.JsonNode v = request.get(field);
            if (v != null && v.canConvertToLong()) cap = cap == null ? v.asLong() : Math.max(cap, v.asLong());
        }
        return cap;
    }

    /** The output cap a hold assumes when the request sets no max_tokens (credits.default_output_tokens). */
    public int defaultOutputTokens() {
        return defaultOutputTokens;
    }
}
