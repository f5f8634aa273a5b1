package dev.tollgate.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.StreamChunk;

/**
 * Meters one streamed answer: the provider's reported usage when it sends one, else the tokens
 * counted from the text that streamed (so a cut stream is billed for what it produced).
 */
public final class StreamMeter {
    private final StringBuilder text = new StringBuilder();
    private Usage reported;
    private StreamChunk usageChunk;

    public void accept(StreamChunk chunk) {
        if (chunk.usage() != null) reported = chunk.usage();
        if (chunk.usageOnly()) usageChunk = chunk;
        text.append(chunk.contentDelta());
    }

    /** The trailing usage-only chunk, held back so the cost can be added to it; null if none came. */
    public StreamChunk usageChunk() { return usageChunk; }

    /** True once the provider produced anything billable. */
    public boolean producedTokens() {
        return reported != null || !text.isEmpty();
    }

    /** Reported usage, or counted: the prompt as the tokenizer sees it, the completion from the streamed text. */
    public Usage usage(JsonNode request, String upstreamModel) {
        if (reported != null) return reported;
        return Usage.of(PromptTokens.exact(request, upstreamModel), OutputTokens.count(text.toString(), upstreamModel));
    }
}
