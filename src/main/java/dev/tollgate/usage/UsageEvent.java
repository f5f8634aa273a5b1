package dev.tollgate.usage;

/**
 * One request as analytics sees it (docs/analytics.md "Usage events"). Text fields that were not
 * known are null; {@code model} is the public model that answered, else the one asked for;
 * {@code provider} and {@code upstreamModel} are null when no provider answered. Token counts and
 * {@code costMicros} are what the ledger charged (0 when nothing was). {@code ttfbMs} is -1 when
 * nothing was sent before the end. {@code conversationId} is the caller's conversation the request continued, or null.
 * {@code preset} and {@code presetVersion}: the preset the request used and the version applied (null and 0 when none).
 */
public record UsageEvent(
        String id, String requestId, long createdAtMs, String accountId, String keyId, String endUser, String tags,
        String endpoint, String requestedModel, String model, String provider, String upstreamModel,
        int calls, boolean fallback, String attempts, String task, boolean taskDeclared, String complexity,
        int status, String errorCode,
        long inputTokens, long outputTokens, long cachedTokens, long cacheWriteTokens, long reasoningTokens,
        long costMicros, long cacheSavingsMicros, boolean cacheHit, boolean streamed, long latencyMs, long ttfbMs,
        String conversationId, String preset, int presetVersion) {

    /** An event of no conversation and no preset. */
    public UsageEvent(
            String id, String requestId, long createdAtMs, String accountId, String keyId, String endUser, String tags,
            String endpoint, String requestedModel, String model, String provider, String upstreamModel,
            int calls, boolean fallback, String attempts, String task, boolean taskDeclared, String complexity,
            int status, String errorCode,
            long inputTokens, long outputTokens, long cachedTokens, long cacheWriteTokens, long reasoningTokens,
            long costMicros, long cacheSavingsMicros, boolean cacheHit, boolean streamed, long latencyMs, long ttfbMs) {
        this(id, requestId, createdAtMs, accountId, keyId, endUser, tags, endpoint, requestedModel, model, provider,
                upstreamModel, calls, fallback, attempts, task, taskDeclared, complexity, status, errorCode, inputTokens,
                outputTokens, cachedTokens, cacheWriteTokens, reasoningTokens, costMicros, cacheSavingsMicros, cacheHit,
                streamed, latencyMs, ttfbMs, null, null, 0);
    }

    /** A success: a 2xx/3xx answer that did not end in an in-band error. */
    public boolean ok() {
        return status < 400 && errorCode == null;
    }
}
