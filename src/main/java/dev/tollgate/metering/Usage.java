package dev.tollgate.metering;

/**
 * Tokens one request used, in OpenAI's accounting: cached prompt tokens are a subset of the prompt
 * and reasoning tokens a subset of the completion (and priced as output). Adapters for providers
 * that report them separately (Anthropic's cache reads are outside input_tokens) add them up first;
 * an inconsistent usage here is a translation bug, so it is refused rather than billed.
 */
public record Usage(long promptTokens, long cachedPromptTokens, long completionTokens, long reasoningTokens) {

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
    }

    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, 0, completionTokens, 0);
    }

    public long totalTokens() {
        return Math.addExact(promptTokens, completionTokens);
    }

    private static String describe(long prompt, long cached, long completion, long reasoning) {
        return "prompt=" + prompt + " cached=" + cached + " completion=" + completion + " reasoning=" + reasoning;
    }
}
