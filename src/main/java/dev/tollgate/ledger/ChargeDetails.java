package dev.tollgate.ledger;

/**
 * What a charge was computed from, stored with the charge transfer so that its amount can be
 * re-derived later from the price book version and the token counts.
 */
public record ChargeDetails(String requestId, String model, String provider, String priceVersion,
                            long inputTokens, long cachedInputTokens, long outputTokens, long reasoningTokens) {
    public ChargeDetails {
        if (inputTokens < 0 || cachedInputTokens < 0 || outputTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }
}
