package dev.tollgate.api.responses;

import dev.tollgate.api.items.OutputItems;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.ChatResponder;
import dev.tollgate.api.OpenAiResponder;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.SseOut;
import dev.tollgate.json.Json;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Consumer;

/**
 * Writes chat answers as Responses API objects: a {@code response} JSON, or the {@code response.*}
 * event stream ({@link ResponsesStream}), translated from the OpenAI chat answers the pipeline produces.
 * The finished response is handed to {@code finished} (which stores it) before the client sees its
 * end, so a {@code GET} or a {@code previous_response_id} sent right after finds it. {@code model} is
 * the public name the caller asked for.
 */
final class ResponsesResponder implements ChatResponder {
    private final ServerResponse res;
    private final SseOut sse;
    private final String id;
    private final long createdAtS;
    private final ResponsesRequest request;
    private final Consumer<ObjectNode> finished;
    private ResponsesStream stream;

    ResponsesResponder(ServerResponse res, String id, long createdAtS, ResponsesRequest request, Consumer<ObjectNode> finished) {
        this.res = res;
        this.sse = new SseOut(res);
        this.id = id;
        this.createdAtS = createdAtS;
        this.request = request;
        this.finished = finished;
    }

    @Override
    public void attempts(String header) {
        if (!res.isSent() && !sse.started()) res.header(ATTEMPTS_HEADER, header);
    }

    @Override
    public void schemaVerdict(String verdict) { res.header(dev.tollgate.api.StructuredOutput.HEADER, verdict); }

    @Override
    public void answer(ObjectNode completion, Deployment answeredBy, Reservation.Charged charged) {
        JsonNode choice = completion.path("choices").path(0);
        ObjectNode response = ResponseObject.finish(skeleton(answeredBy), OutputItems.output(choice),
                choice.path("finish_reason").asText(null), charged);
        finished.accept(response);
        OpenAiResponder.answeredBy(res, answeredBy);
        OpenAiResponder.sendBilled(res, charged, response);
    }

    @Override
    public void chunk(StreamChunk chunk, Deployment answeredBy) {
        if (stream == null) {
            OpenAiResponder.answeredBy(res, answeredBy);
            stream = new ResponsesStream(this::write, skeleton(answeredBy));
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
        if (stream == null) stream = new ResponsesStream(this::write, skeleton(null));
        ObjectNode response = stream.finished(charged);
        finished.accept(response);
        stream.complete(response);
        sse.close();
    }

    @Override
    public void streamFailed(ApiException error) {
        if (stream == null) stream = new ResponsesStream(this::write, skeleton(null));
        stream.fail(error.code() == null ? "server_error" : error.code(), error.getMessage());
        sse.close();
    }

    private ObjectNode skeleton(Deployment answeredBy) {
        String model = request.model() != null ? request.model() : answeredBy != null ? answeredBy.publicName() : "";
        return ResponseObject.skeleton(id, createdAtS, model, request.echo().deepCopy());
    }

    private void write(String event, ObjectNode data) {
        sse.event(event, Json.bytes(data));
    }
}
