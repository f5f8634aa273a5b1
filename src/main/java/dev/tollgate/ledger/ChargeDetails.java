package dev.tollgate.ledger;

/**
 * What a charge was computed from, stored with the charge transfer so that its amount can be
 * re-derived later from the price book version and the token counts. {@code inputTokens} is every prompt
 * token; {@code cachedInputTokens} (cache reads), {@code cacheWriteTokens} (prompt-cache writes at the 5-minute
 * price) and {@code cacheWrite1hTokens} (at the 1-hour price) are disjoint parts of it.
 */
public record ChargeDetails(String requestId, String model, String provider, String priceVersion,
                            long inputTokens, long cachedInputTokens, long outputTokens, long reasoningTokens,
                            long cacheWriteTokens, long cacheWrite1hTokens) {
    public ChargeDetails {
        if (inputTokens < 0 || cachedInputTokens < 0 || outputTokens < 0 || reasoningTokens < 0
                || cacheWriteTokens < 0 || cacheWrite1hTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    /** A charge without prompt-cache writes. */
    public ChargeDetails(String requestId, String model, String provider, String priceVersion,
                         long inputTokens, long cachedInputTokens, long outputTokens, long reasoningTokens) {
        this(requestId, model, provider, priceVersion, inputTokens, cachedInputTokens, outputTokens, reasoningTokens, 0, 0);
    }
}
