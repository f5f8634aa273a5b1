package dev.tollgate.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.OpenAiChunks;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.provider.UpstreamErrors;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Translates Gemini's SSE stream ({@code streamGenerateContent?alt=sse}) into OpenAI chunks as each
 * event arrives. Every event is a partial GenerateContentResponse: text parts become content deltas,
 * thought parts reasoning deltas, a functionCall arrives whole and becomes one complete tool-call
 * chunk, a finishReason the finish chunk. Gemini has no end marker and repeats usageMetadata as it
 * grows, so the usage-only chunk is emitted from the last usage seen when the stream ends cleanly.
 */
final class GeminiStream {
    private record CandidateState(int toolCalls, boolean finished) {}

    private final String provider;
    private final String requestedModel;
    private final Consumer<StreamChunk> sink;
    private final Map<Integer, CandidateState> candidates = new HashMap<>();
    private OpenAiChunks chunks;
    private int emitted;
    private JsonNode usageMetadata;

    GeminiStream(String provider, String requestedModel, Consumer<StreamChunk> sink) {
        this.provider = provider;
        this.requestedModel = requestedModel;
        this.sink = sink;
    }

    void event(JsonNode data) throws ProviderException {
        if (data.has("error")) {
            throw new ProviderException(emitted == 0 ? Kind.SERVER_ERROR : Kind.STREAM_CUT, 0,
                    "provider '" + provider + "' reported an error mid-stream: " + UpstreamErrors.message(Json.bytes(data)), null);
        }
        if (chunks == null) {
            chunks = new OpenAiChunks(data.path("responseId").asText("gen-" + GeminiCallIds.fresh()),
                    System.currentTimeMillis() / 1000, data.path("modelVersion").asText(requestedModel));
        }
        if (data.path("usageMetadata").isObject()) usageMetadata = data.get("usageMetadata");
        int position = 0;
        for (JsonNode candidate : data.path("candidates")) candidate(candidate, candidate.path("index").asInt(position++));
        if (candidates.isEmpty() && data.path("promptFeedback").has("blockReason")) {
            // a blocked prompt yields no candidates at all: answer with an empty, filtered choice
            state(0);
            emit(chunks.finish(0, "content_filter"));
            candidates.put(0, new CandidateState(0, true));
        }
    }

    /** Called at the end of the byte stream; complete only when every candidate said why it stopped. */
    void end() throws ProviderException {
        boolean finished = !candidates.isEmpty() && candidates.values().stream().allMatch(CandidateState::finished);
        if (!finished) {
            throw new ProviderException(Kind.STREAM_CUT, "provider '" + provider + "' stream ended before the answer was finished");
        }
        if (usageMetadata != null) emit(chunks.usage(usage()));
    }

    Usage usage() { return usageMetadata == null ? null : GeminiResponse.usage(usageMetadata); }

    private void candidate(JsonNode candidate, int index) {
        CandidateState state = state(index);
        int toolCalls = state.toolCalls();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                JsonNode fc = part.path("functionCall");
                String args = fc.path("args").isObject() ? fc.path("args").toString() : "{}";
                emit(chunks.toolCallStart(index, toolCalls++, GeminiCallIds.forPart(part), fc.path("name").asText(), args));
                continue;
            }
            String text = part.path("text").asText("");
            if (text.isEmpty()) continue;
            emit(part.path("thought").asBoolean(false) ? chunks.reasoning(index, text) : chunks.content(index, text));
        }
        String reason = candidate.path("finishReason").asText(null);
        boolean finished = state.finished();
        if (reason != null && !finished) {
            emit(chunks.finish(index, GeminiResponse.finishReason(reason, toolCalls > 0)));
            finished = true;
        }
        candidates.put(index, new CandidateState(toolCalls, finished));
    }

    /** The state of a candidate, opening it with the role chunk the first time it appears. */
    private CandidateState state(int index) {
        CandidateState state = candidates.get(index);
        if (state != null) return state;
        emit(chunks.role(index));
        state = new CandidateState(0, false);
        candidates.put(index, state);
        return state;
    }

    private void emit(StreamChunk chunk) {
        emitted++;
        sink.accept(chunk);
    }
}
