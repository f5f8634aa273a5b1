package dev.tollgate.api.anthropic;

import dev.tollgate.api.ChatResponder;
import dev.tollgate.api.OpenAiResponder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.ErrorBodies;
import dev.tollgate.http.RequestIds;
import dev.tollgate.http.SseOut;
import dev.tollgate.json.Json;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.provider.anthropic.AnthropicProvider;
import dev.tollgate.routing.Deployment;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * Writes chat answers in Anthropic's Messages wire format: a {@code message} JSON, or the named SSE
 * event stream, translated from the OpenAI-format answers the pipeline produces. The {@code model}
 * is the public name that answered (as in {@code x-tollgate-model}).
 */
final class AnthropicResponder implements ChatResponder {
    static final String DROPPED_HEADER = "x-tollgate-dropped-fields";
    private final ServerResponse res;
    private final SseOut sse;
    private final String requestId;
    private final List<String> stopSequences;
    /** What translating the request to a non-Anthropic provider left out; named in a header when one answers. */
    private final List<String> dropped;
    private final boolean thinking;
    private final String messageId = "msg_" + RequestIds.newLedgerId();
    private AnthropicStream stream;

    AnthropicResponder(ServerResponse res, String requestId, AnthropicRequest request) {
        this.res = res;
        this.sse = new SseOut(res);
        this.requestId = requestId;
        this.stopSequences = request.stopSequences();
        this.dropped = request.dropped();
        this.thinking = request.thinking();
    }

    /** Names the request fields the answering provider never saw: only a translated (non-Anthropic) one drops any. */
    private void answeredBy(Deployment d) {
        OpenAiResponder.answeredBy(res, d);
        if (!dropped.isEmpty() && !(d.provider() instanceof AnthropicProvider)) {
            res.header(DROPPED_HEADER, String.join(", ", dropped));
        }
    }

    @Override
    public void attempts(String header) {
        if (!res.isSent() && !sse.started()) res.header(ATTEMPTS_HEADER, header);
    }

    @Override
    public void schemaVerdict(String verdict) { res.header(dev.tollgate.api.StructuredOutput.HEADER, verdict); }

    @Override
    public void answer(ObjectNode completion, Deployment answeredBy, Reservation.Charged charged) {
        ObjectNode message = AnthropicMessage.of(completion, messageId, answeredBy.publicName(), stopSequences, thinking, charged);
        answeredBy(answeredBy);
        OpenAiResponder.sendBilled(res, charged, message);
    }

    @Override
    public void chunk(StreamChunk chunk, Deployment answeredBy) {
        if (stream == null) {
            answeredBy(answeredBy);
            stream = new AnthropicStream(this::write, messageId, answeredBy.publicName(), stopSequences, thinking);
        }
        JsonNode parsed = Json.parseOrNull(chunk.json());
        if (parsed != null) stream.chunk(parsed); // adapters emit valid JSON; a bad chunk carries nothing to translate
    }

    @Override
    public boolean started() { return sse.started(); }

    @Override
    public boolean clientGone() { return sse.clientGone(); }

    @Override
    public void streamDone(StreamChunk usageChunk, Reservation.Charged charged) {
        if (stream == null) stream = new AnthropicStream(this::write, messageId, "", stopSequences, thinking);
        stream.finish(charged, usageChunk == null ? 0 : AnthropicMessage.cacheWriteTokens(Json.parseOrNull(usageChunk.json())));
        sse.close();
    }

    @Override
    public void streamFailed(ApiException error) {
        sse.event("error", Json.bytes(ErrorBodies.anthropic(error, requestId)));
        sse.close();
    }

    private void write(String event, ObjectNode data) {
        sse.event(event, Json.bytes(data));
    }
}
