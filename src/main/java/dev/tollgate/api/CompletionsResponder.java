package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.ErrorBodies;
import dev.tollgate.http.SseOut;
import dev.tollgate.json.Json;
import dev.tollgate.provider.LegacyCompletions;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * Writes chat answers as legacy {@code text_completion}s (JSON, or SSE chunks ending in [DONE]): each choice's
 * content is its {@code text}, {@code logprobs} (the legacy object, from a provider that served the legacy
 * endpoint) and {@code finish_reason} kept, {@code model} the public name asked for, {@code usage.cost} added.
 * When a chat-only provider answered, the fields it never saw are named in {@code x-tollgate-dropped-fields}.
 */
final class CompletionsResponder implements ChatResponder {
    private final ServerResponse res;
    private final SseOut sse;
    private final boolean clientWantsUsage;
    private final List<String> dropped;
    private String requestedModel;
    /** What the answering adapter left out of the chat translation (e.g. {@code logit_bias} to Anthropic). */
    private List<String> adapterDropped = List.of();

    CompletionsResponder(ServerResponse res, boolean clientWantsUsage, String requestedModel, List<String> dropped) {
        this.res = res;
        this.sse = new SseOut(res);
        this.clientWantsUsage = clientWantsUsage;
        this.requestedModel = requestedModel;
        this.dropped = dropped;
    }

    @Override
    public void attempts(String header) {
        if (!res.isSent() && !sse.started()) res.header(AttemptLog.HEADER, header);
    }

    @Override
    public void dropped(List<String> fields) { adapterDropped = fields; }

    @Override
    public void answer(ObjectNode completion, Deployment answeredBy, Reservation.Charged charged) {
        ObjectNode out = textCompletion(completion, "message", answeredBy);
        OpenAiResponder.putUsage(out.withObjectProperty("usage"), charged);
        answeredBy(answeredBy);
        OpenAiResponder.sendBilled(res, charged, out);
    }

    @Override
    public void chunk(StreamChunk chunk, Deployment answeredBy) {
        JsonNode parsed = Json.parseOrNull(chunk.json());
        if (parsed == null) return; // adapters emit valid JSON; a bad chunk carries nothing to translate
        if (!sse.started()) answeredBy(answeredBy);
        sse.data(Json.bytes(textCompletion(parsed, "delta", answeredBy)));
    }

    @Override
    public boolean started() { return sse.started(); }

    @Override
    public boolean clientGone() { return sse.clientGone(); }

    @Override
    public void streamDone(StreamChunk usageChunk, Reservation.Charged charged) {
        if (clientWantsUsage) {
            ObjectNode chunk = Json.object().put("object", "text_completion");
            if (usageChunk != null && Json.parseOrNull(usageChunk.json()) instanceof ObjectNode u) {
                chunk.put("id", u.path("id").asText(""));
                if (u.hasNonNull("usage")) chunk.set("usage", u.get("usage"));
            }
            if (requestedModel != null) chunk.put("model", requestedModel);
            chunk.putArray("choices");
            OpenAiResponder.putUsage(chunk.withObjectProperty("usage"), charged);
            sse.data(Json.bytes(chunk));
        }
        sse.done();
        sse.close();
    }

    @Override
    public void streamFailed(ApiException error) {
        sse.data(Json.bytes(ErrorBodies.openAi(error)));
        sse.close();
    }

    /** A chat completion (or chunk) as a text_completion: {@code part} is "message" or "delta". */
    private ObjectNode textCompletion(JsonNode chat, String part, Deployment answeredBy) {
        if (requestedModel == null) requestedModel = answeredBy.publicName();
        ObjectNode out = Json.object();
        out.put("id", chat.path("id").asText(""));
        out.put("object", "text_completion");
        out.put("created", chat.path("created").asLong(System.currentTimeMillis() / 1000));
        out.put("model", requestedModel);
        if (chat.has("system_fingerprint")) out.set("system_fingerprint", chat.get("system_fingerprint"));
        ArrayNode choices = out.putArray("choices");
        for (JsonNode c : chat.path("choices")) {
            ObjectNode choice = choices.addObject();
            choice.put("text", c.path(part).path("content").asText(""));
            choice.put("index", c.path("index").asInt(0));
            JsonNode logprobs = c.get("logprobs");
            // chat's logprobs ({content: [...]}) are not the legacy shape: only a legacy provider's pass
            choice.set("logprobs", logprobs != null && logprobs.has("tokens") ? logprobs : Json.NODES.nullNode());
            choice.set("finish_reason", c.path("finish_reason").isMissingNode() ? Json.NODES.nullNode() : c.get("finish_reason"));
        }
        if (chat.hasNonNull("usage")) out.set("usage", chat.get("usage"));
        return out;
    }

    private void answeredBy(Deployment d) {
        OpenAiResponder.answeredBy(res, d);
        boolean legacy = d.provider() instanceof LegacyCompletions && d.model().can("completions");
        if (legacy) return; // the provider got the client's own body
        List<String> all = new java.util.ArrayList<>(dropped);
        all.addAll(adapterDropped);
        if (!all.isEmpty()) res.header("x-tollgate-dropped-fields", String.join(", ", all));
    }
}
