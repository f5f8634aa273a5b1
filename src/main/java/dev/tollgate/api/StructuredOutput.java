package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Structured outputs on chat completions (docs/presets.md): a {@code response_format} of type {@code json_schema}
 * is still forwarded as sent, and the answer is checked against its schema with a real JSON Schema validator
 * (networknt, draft 2020-12); {@code x-tollgate-schema: valid|invalid} says the result. Only non-streamed answers
 * are checked (a stream's headers leave before its content is known). No repair retry: an invalid answer is
 * delivered and charged as it came, the header says so.
 */
public final class StructuredOutput {
    public static final String HEADER = "x-tollgate-schema";
    /**
     * No remote {@code $ref} is ever fetched: a schema comes from the caller, and fetching would let any caller make
     * the gateway open URLs of its choosing.
     */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaLoader(l -> l.fetchRemoteResources(false)));

    private StructuredOutput() {}

    /** The schema the request asks for, compiled; null when it asks for none. A schema that does not compile is a 400. */
    static Schema schema(ObjectNode body) {
        JsonNode format = body.get("response_format");
        if (format == null || !format.isObject() || !"json_schema".equals(format.path("type").asText())) return null;
        JsonNode schema = format.path("json_schema").get("schema");
        if (schema == null || !schema.isObject()) {
            throw ApiException.invalid("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON Schema object");
        }
        try {
            return REGISTRY.getSchema(schema);
        } catch (SchemaException | IllegalArgumentException e) {
            throw ApiException.invalid("response_format.json_schema.schema", "'response_format.json_schema.schema' is not a valid JSON Schema: "
                    + e.getMessage());
        }
    }

    /** {@code out}, checking answers when the request has a json_schema and is not streamed; else {@code out} itself. */
    public static ChatResponder wrap(ChatRequest chat, ChatResponder out, BiConsumer<String, String> header) {
        Schema schema = schema(chat.body());
        if (schema == null || chat.stream()) return out;
        return new Checking(out, schema, header);
    }

    /** True when every choice's message content is JSON the schema accepts. */
    static boolean valid(Schema schema, ObjectNode completion) {
        JsonNode choices = completion.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) return false;
        for (JsonNode choice : choices) {
            JsonNode content = choice.path("message").get("content");
            if (content == null || !content.isTextual()) return false;
            JsonNode answer = Json.parseOrNull(content.asText().getBytes(StandardCharsets.UTF_8));
            if (answer == null) return false;
            List<Error> errors = schema.validate(answer);
            if (!errors.isEmpty()) return false;
        }
        return true;
    }

    /** Sets the header, then answers; streams and failures pass through untouched. */
    private record Checking(ChatResponder out, Schema schema, BiConsumer<String, String> header) implements ChatResponder {
        @Override
        public void attempts(String value) { out.attempts(value); }

        @Override
        public void dropped(java.util.List<String> fields) { out.dropped(fields); }

        @Override
        public void answer(ObjectNode completion, Deployment answeredBy, Reservation.Charged charged) {
            header.accept(HEADER, valid(schema, completion) ? "valid" : "invalid");
            out.answer(completion, answeredBy, charged);
        }

        @Override
        public void chunk(StreamChunk chunk, Deployment answeredBy) { out.chunk(chunk, answeredBy); }

        @Override
        public boolean started() { return out.started(); }

        @Override
        public boolean clientGone() { return out.clientGone(); }

        @Override
        public void streamDone(StreamChunk usageChunk, Reservation.Charged charged) { out.streamDone(usageChunk, charged); }

        @Override
        public void streamFailed(ApiException error) { out.streamFailed(error); }
    }
}
