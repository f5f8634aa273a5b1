package dev.tollgate.metering;

/** Token usage of one call. Cached tokens are a subset of prompt tokens; reasoning of completion. */
public record Usage(long promptTokens, long cachedPromptTokens, long completionTokens, long reasoningTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public long totalTokens() { return promptTokens + completionTokens; }
}
