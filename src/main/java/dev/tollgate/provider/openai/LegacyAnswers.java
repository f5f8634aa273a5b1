package dev.tollgate.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;

/**
 * A legacy {@code text_completion} answer (plain or one stream chunk) in the chat format the gateway works
 * in: each choice's {@code text} becomes the message's (or delta's) {@code content}; {@code index},
 * {@code finish_reason}, the legacy {@code logprobs} object and {@code usage} are kept as they are, so the
 * {@code /v1/completions} responder can write the legacy answer back without loss.
 */
final class LegacyAnswers {
    private LegacyAnswers() {}

    static ObjectNode toChat(JsonNode textCompletion, boolean chunk) {
        ObjectNode out = Json.object();
        out.put("id", textCompletion.path("id").asText("cmpl"));
        out.put("object", chunk ? "chat.completion.chunk" : "chat.completion");
        out.put("created", textCompletion.path("created").asLong(System.currentTimeMillis() / 1000));
        out.put("model", textCompletion.path("model").asText(""));
        if (textCompletion.has("system_fingerprint")) out.set("system_fingerprint", textCompletion.get("system_fingerprint"));
        ArrayNode choices = out.putArray("choices");
        for (JsonNode c : textCompletion.path("choices")) {
            ObjectNode choice = choices.addObject().put("index", c.path("index").asInt(0));
            ObjectNode message = choice.putObject(chunk ? "delta" : "message");
            if (!chunk) message.put("role", "assistant");
            message.put("content", c.path("text").asText(""));
            choice.set("logprobs", c.path("logprobs").isMissingNode() ? Json.NODES.nullNode() : c.get("logprobs"));
            choice.set("finish_reason", c.path("finish_reason").isMissingNode() ? Json.NODES.nullNode() : c.get("finish_reason"));
        }
        if (textCompletion.hasNonNull("usage")) out.set("usage", textCompletion.get("usage"));
        return out;
    }
}
