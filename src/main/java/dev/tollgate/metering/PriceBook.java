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
    private final Map<String, ModelPrice> byModel;
    private final int defaultOutputTokens;

    public PriceBook(TollgateConfig config) {
        TollgateConfig.Credits credits = config.credits();
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        for (TollgateConfig.Model m : config.models()) {
            TollgateConfig.Price p = m.price();
            ImagePrices image = p.image() == null ? null : new ImagePrices(p.image().bySize(), p.image().byQuality());
            prices.put(m.name(), new ModelPrice(m.name(), p.input(), p.cachedInput(), p.output(),
                    credits.usdPerCredit(), m.free(), image));
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
     * The most output a request may produce as far as holds are concerned: its
     * {@code max_completion_tokens}, else {@code max_tokens}, else {@link #defaultOutputTokens}.
     */
    public long outputCap(com.fasterxml.jackson.databind.JsonNode request) {
        Long explicit = explicitOutputCap(request);
        return explicit != null ? explicit : defaultOutputTokens;
    }

    /** The request's own {@code max_completion_tokens} or {@code max_tokens}; null when it sets neither. */
    public static Long explicitOutputCap(com.fasterxml.jackson.databind.JsonNode request) {
        com.fasterxml.jackson.databind.JsonNode v = request.get("max_completion_tokens");
        if (v == null || !v.canConvertToLong()) v = request.get("max_tokens");
        return v != null && v.canConvertToLong() ? v.asLong() : null;
    }

    /** The output cap a hold assumes when the request sets no max_tokens (credits.default_output_tokens). */
    public int defaultOutputTokens() {
        return defaultOutputTokens;
    }
}
