package dev.tollgate.metering;

/**
 * Tokens one request used, in OpenAI's accounting: cached prompt tokens (cache reads) and prompt-cache
 * writes ({@code cacheWriteTokens} at the 5-minute price, {@code cacheWrite1hTokens} at the 1-hour one) are
 * disjoint subsets of the prompt
 * and reasoning tokens a subset of the completion (and priced as output). Adapters for providers
 * that report them separately (Anthropic's cache reads are outside input_tokens) add them up first;
 * an inconsistent usage here is a translation bug, so it is refused rather than billed.
 */
public record Usage(long promptTokens, long cachedPromptTokens, long completionTokens, long reasoningTokens,
                    long cacheWriteTokens, long cacheWrite1hTokens) {

    /** Usage without prompt-cache writes. */
    public Usage(long promptTokens, long cachedPromptTokens, long completionTokens, long reasoningTokens) {
        this(promptTokens, cachedPromptTokens, completionTokens, reasoningTokens, 0, 0);
    }

    public Usage {
        if (promptTokens < 0 || cachedPromptTokens < 0 || completionTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative: " + describe(
                    promptTokens, cachedPromptTokens, completionTokens, reasoningTokens));
        }
        if (cachedPromptTokens > promptTokens) {
            throw new IllegalArgumentException("cached prompt tokens exceed prompt tokens: " + describe(
                    promptTokens, cachedPromptTokens, completionTokens, reasoningTokens));
        }
        if (reasoningTokens > completionTokens) {
            throw new IllegalArgumentException("reasoning tokens exceed completion tokens: " + describe(
                    promptTokens, cachedPromptTokens, completionTokens, reasoningTokens));
        }
        if (cacheWriteTokens < 0 || cacheWrite1hTokens < 0
                || cachedPromptTokens + cacheWriteTokens + cacheWrite1hTokens > promptTokens) {
            throw new IllegalArgumentException("cache reads and writes exceed prompt tokens: prompt=" + promptTokens
                    + " cached=" + cachedPromptTokens + " cache_write=" + cacheWriteTokens + " cache_write_1h="
                    + cacheWrite1hTokens);
        }
    }

    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, 0, completionTokens, 0);
    }

    /** All prompt-cache writes (both TTLs). */
    public long allCacheWriteTokens() {
        return cacheWriteTokens + cacheWrite1hTokens;
    }

    /** The same tokens as if nothing had been read from or written to a prompt cache (for the cache discount). */
    public Usage uncached() {
        return new Usage(promptTokens, 0, completionTokens, reasoningTokens);
    }

    public long totalTokens() {
        return Math.addExact(promptTokens, completionTokens);
    }

    private static String describe(long prompt, long cached, long completion, long reasoning) {
        return "prompt=" + prompt + " cached=" + cached + " completion=" + completion + " reasoning=" + reasoning;
    }
}
