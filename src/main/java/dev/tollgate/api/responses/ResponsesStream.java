package dev.tollgate.api.responses;

import dev.tollgate.api.items.OutputItems;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Translates one streamed chat answer into the Responses API event sequence, chunk by chunk (nothing
 * held back): {@code response.created}, {@code response.in_progress}; per output item
 * {@code response.output_item.added}, its deltas ({@code response.output_text.delta} inside a
 * content part, {@code response.function_call_arguments.delta}, {@code response.reasoning_text.delta}),
 * their {@code .done} events and {@code response.output_item.done}; at the end
 * {@code response.completed} (or {@code response.incomplete}) with the billed usage. Every event
 * carries its {@code type} and a {@code sequence_number} from 0. It also assembles the output items,
 * so the final response (stored and sent last) equals what a non-streamed request answers.
 * Only choice 0 is translated (Responses has no {@code n}). Not thread-safe: one per stream.
 */
final class ResponsesStream {
    /** Receives each event: its SSE event name (= its type) and its JSON data. */
    interface Sink {
        void event(String type, ObjectNode data);
    }

    private enum Kind { NONE, REASONING, TEXT, TOOL }

    /** One function call being streamed: its output item and the argument text so far. */
    private static final class Call {
        final String id = OutputItems.newId("fc_");
        final String callId;
        final String name;
        final int outputIndex;
        final StringBuilder arguments = new StringBuilder();

        Call(String callId, String name, int outputIndex) {
            this.callId = callId;
            this.name = name;
            this.outputIndex = outputIndex;
        }

        ObjectNode item(String status) {
            return OutputItems.functionCall(id, callId, name, arguments.toString(), status);
        }
    }

    private final Sink sink;
    private final ObjectNode response;
    private final ArrayNode output = Json.NODES.arrayNode();
    /** Chat tool-call index → the call it streams. */
    private final Map<Integer, Call> calls = new LinkedHashMap<>();
    private long sequence;
    private boolean started;
    private Kind open = Kind.NONE;
    private String openId;
    private int openIndex;
    private Call openCall;
    private final StringBuilder openText = new StringBuilder();
    private String finishReason;

    /** @param response the skeleton ({@link ResponseObject#skeleton}); this stream fills it in */
    ResponsesStream(Sink sink, ObjectNode response) {
        this.sink = sink;
        this.response = response;
    }

    /** Translates one chat.completion.chunk; the first one also starts the response. */
    void chunk(JsonNode chunk) {
        start();
        JsonNode choice = chunk.path("choices").path(0);
        if (!choice.isObject()) return;
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) textDelta(Kind.REASONING, reasoning);
        String content = delta.path("content").asText("");
        if (!content.isEmpty()) textDelta(Kind.TEXT, content);
        for (JsonNode call : delta.path("tool_calls")) toolCall(call);
        JsonNode finish = choice.get("finish_reason");
        if (finish != null && finish.isTextual()) {
            finishReason = finish.asText();
            close();
        }
    }

    /** Closes what is open and returns the finished response, billed; {@link #complete} then sends it. */
    ObjectNode finished(Reservation.Charged charged) {
        start();
        close();
        for (Call c : calls.values()) output.set(c.outputIndex, c.item("completed")); // late argument fragments
        return ResponseObject.finish(response, output, finishReason, charged);
    }

    /** The last event: response.completed, or response.incomplete when the answer stopped short. */
    void complete(ObjectNode finished) {
        String type = "incomplete".equals(finished.path("status").asText()) ? "response.incomplete" : "response.completed";
        emit(type, Json.object().set("response", finished));
    }

    /** The stream broke after it started: the last event is response.failed with what was produced. */
    void fail(String code, String message) {
        start();
        emit("response.failed", Json.object().set("response", ResponseObject.failed(response, output, code, message)));
    }

    private void start() {
        if (started) return;
        started = true;
        emit("response.created", Json.object().set("response", response.deepCopy()));
        emit("response.in_progress", Json.object().set("response", response.deepCopy()));
    }

    private void textDelta(Kind kind, String delta) {
        if (open != kind) {
            close();
            open = kind;
            openId = OutputItems.newId(kind == Kind.TEXT ? "msg_" : "rs_");
            openIndex = output.size();
            openText.setLength(0);
            ObjectNode item = kind == Kind.TEXT ? OutputItems.message(openId, "in_progress")
                    : OutputItems.reasoning(openId, "").put("status", "in_progress");
            if (kind == Kind.REASONING) item.putArray("content");
            output.add(item);
            emit("response.output_item.added", at(Json.object()).set("item", item.deepCopy()));
            if (kind == Kind.TEXT) emit("response.content_part.added", part(OutputItems.outputText("")));
        }
        openText.append(delta);
        ObjectNode event = part(null).put("delta", delta);
        if (kind == Kind.TEXT) event.putArray("logprobs");
        emit(kind == Kind.TEXT ? "response.output_text.delta" : "response.reasoning_text.delta", event);
    }

    /** A call opens an output item the first time its chat index appears; its argument fragments follow. */
    private void toolCall(JsonNode fragment) {
        int index = fragment.path("index").asInt(0);
        Call call = calls.get(index);
        if (call == null) {
            close();
            String callId = fragment.path("id").asText("");
            call = new Call(callId.isEmpty() ? OutputItems.newId("call_") : callId,
                    fragment.path("function").path("name").asText(""), output.size());
            calls.put(index, call);
            output.add(call.item("in_progress"));
            emit("response.output_item.added", Json.object().put("output_index", call.outputIndex)
                    .set("item", call.item("in_progress")));
            open = Kind.TOOL;
            openCall = call;
        }
        String arguments = fragment.path("function").path("arguments").asText("");
        if (arguments.isEmpty()) return;
        call.arguments.append(arguments);
        if (call == openCall) { // a fragment of an earlier, closed call only reaches the final response
            emit("response.function_call_arguments.delta", Json.object().put("item_id", call.id)
                    .put("output_index", call.outputIndex).put("delta", arguments));
        }
    }

    private void close() {
        switch (open) {
            case NONE -> { return; }
            case TEXT -> {
                String text = openText.toString();
                emit("response.output_text.done", part(null).put("text", text).set("logprobs", Json.NODES.arrayNode()));
                emit("response.content_part.done", part(OutputItems.outputText(text)));
                ObjectNode item = OutputItems.message(openId, OutputItems.incompleteReason(finishReason) == null
                        ? "completed" : "incomplete");
                item.withArrayProperty("content").add(OutputItems.outputText(text));
                itemDone(openIndex, item);
            }
            case REASONING -> {
                String text = openText.toString();
                emit("response.reasoning_text.done", part(null).put("text", text));
                itemDone(openIndex, OutputItems.reasoning(openId, text));
            }
            case TOOL -> {
                Call c = openCall;
                emit("response.function_call_arguments.done", Json.object().put("item_id", c.id)
                        .put("output_index", c.outputIndex).put("name", c.name).put("arguments", c.arguments.toString()));
                itemDone(c.outputIndex, c.item("completed"));
                openCall = null;
            }
        }
        open = Kind.NONE;
    }

    private void itemDone(int index, ObjectNode item) {
        output.set(index, item);
        emit("response.output_item.done", Json.object().put("output_index", index).set("item", item.deepCopy()));
    }

    /** The fields of an event about the open text item's content part 0 (with the part when given). */
    private ObjectNode part(ObjectNode part) {
        ObjectNode event = at(Json.object().put("item_id", openId)).put("content_index", 0);
        if (part != null) event.set("part", part);
        return event;
    }

    private ObjectNode at(ObjectNode event) {
        return event.put("output_index", openIndex);
    }

    private void emit(String type, ObjectNode fields) {
        ObjectNode data = Json.object().put("type", type).put("sequence_number", sequence++);
        data.setAll(fields);
        sink.event(type, data);
    }
}
