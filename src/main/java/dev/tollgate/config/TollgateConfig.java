package dev.tollgate.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, validated. Field names mirror the YAML keys (CONTRACT §2).
 * Everything here is immutable; a running server never sees a half-valid config.
 */
public record TollgateConfig(
        String source,
        String store,
        String redis,
        Credits credits,
        Server server,
        List<Provider> providers,
        List<Model> models,
        Map<String, List<String>> aliases) {

    /** {@code holdTtlMs}: how long a hold may stay open before the ledger releases it by itself. */
    public record Credits(BigDecimal usdPerCredit, int defaultOutputTokens, long holdTtlMs) {}

    /** Edge limits and timeouts; every one is bounded and named with its unit. */
    public record Server(long maxBodyBytes, long upstreamConnectTimeoutMs, long upstreamTimeoutMs,
                         long streamIdleTimeoutMs, long keyCacheTtlMs, String upstreamClient) {}

    /** {@code headers}: extra HTTP headers sent with every call to this provider (e.g. anthropic-beta). */
    public record Provider(String name, String type, String baseUrl, String apiKey, Integer rpm,
                           Long monthlyTokenBudget, long latencyMs, long chunkDelayMs, Map<String, String> headers) {}

    /**
     * USD per 1M tokens. {@code cachedInput} defaults to {@code input}. {@code image} (USD per
     * generated image) is null unless the model configures {@code price.image}.
     */
    public record Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput, ImagePrice image) {
        public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

        public Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {
            this(input, output, cachedInput, null);
        }
    }

    /** {@code price.image}: USD per image by size ("1024x1024", "default"), optionally per quality. */
    public record ImagePrice(Map<String, BigDecimal> bySize, Map<String, Map<String, BigDecimal>> byQuality) {}

    public record Model(String name, String provider, String upstream, Price price, boolean free,
                        Integer contextWindow) {}

    public Provider provider(String name) {
        for (Provider p : providers) {
            if (p.name().equals(name)) return p;
        }
        return null;
    }
}
