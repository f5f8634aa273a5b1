package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured outputs (docs/structured-outputs.md): the check a {@code response_format} of type {@code json_schema}
 * or {@code json_object} asks for. {@code json_schema} answers are checked with a real JSON Schema validator
 * (networknt, draft 2020-12); {@code json_object} answers must be a JSON object. {@link SchemaRepair} runs the check
 * on every non-streamed answer, asks once more when it fails, and says the verdict in {@value #HEADER}.
 */
public final class StructuredOutput {
    public static final String HEADER = "x-tollgate-schema";
    /** At most this many validation errors are reported (to the repair prompt): enough to fix, bounded in size. */
    static final int ERRORS_MAX = 10;
    /**
     * No remote {@code $ref} is ever fetched: a schema comes from the caller, and fetching would let any caller make
     * the gateway open URLs of its choosing.
     */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaLoader(l -> l.fetchRemoteResources(false)));

    /** Compiled schemas by their JSON text: applications send the same schema with every call. */
    static final int COMPILED_MAX = 256;
    private static final Map<String, Schema> COMPILED = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) { return size() > COMPILED_MAX; }
    };

    private final Schema schema; // null for json_object

    private StructuredOutput(Schema schema) {
        this.schema = schema;
    }

    /**
     * The check {@code body}'s {@code response_format} asks for; null when it asks for none (or for text).
     * A {@code json_schema} whose schema is missing or does not compile is a 400, before any provider is asked.
     */
    public static StructuredOutput of(ObjectNode body) {
        JsonNode format = body.get("response_format");
        if (format == null || !format.isObject()) return null;
        String type = format.path("type").asText("");
        if (type.equals("json_object")) return new StructuredOutput(null);
        if (!type.equals("json_schema")) return null;
        JsonNode schema = format.path("json_schema").get("schema");
        if (schema == null || !schema.isObject()) {
            throw ApiException.invalid("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON Schema object");
        }
        try {
            return new StructuredOutput(compiled(schema));
        } catch (SchemaException | IllegalArgumentException e) {
            throw ApiException.invalid("response_format.json_schema.schema", "'response_format.json_schema.schema' is not a valid JSON Schema: "
                    + e.getMessage());
        }
    }

    /**
     * The compiled schema, compiled once per distinct schema text (bounded, least recently used dropped): compiling
     * takes milliseconds, and the handler and the pipeline both ask for it on every structured request. A compiled
     * schema is immutable and validates from many threads at once.
     */
    private static Schema compiled(JsonNode schema) {
        String text = schema.toString();
        synchronized (COMPILED) {
            Schema known = COMPILED.get(text);
            if (known != null) return known;
        }
        Schema fresh = REGISTRY.getSchema(schema); // outside the lock: a slow compile does not hold up other requests
        synchronized (COMPILED) {
            COMPILED.putIfAbsent(text, fresh);
        }
        return fresh;
    }

    /** Compiled schemas held (tests). */
    static int compiledCount() {
        synchronized (COMPILED) {
            return COMPILED.size();
        }
    }

    /** What is wrong with the answer {@code content} (the message's text); empty when it conforms. */
    List<String> problems(JsonNode content) {
        if (content == null || !content.isTextual()) return List.of("the answer has no text content");
        JsonNode answer = Json.parseOrNull(content.asText().getBytes(StandardCharsets.UTF_8));
        if (answer == null) return List.of("the answer is not valid JSON");
        if (schema == null) return answer.isObject() ? List.of() : List.of("the answer is JSON but not a JSON object");
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(answer)) {
            if (out.size() == ERRORS_MAX) break;
            String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
            out.add((at.isEmpty() ? "(root)" : at) + ": " + e.getMessage()); // "/age: string found, integer expected"
        }
        return out;
    }

    /** What is wrong with the first choice that does not conform (all choices are checked); empty when all do. */
    List<String> problems(ObjectNode completion) {
        JsonNode choices = completion.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) return List.of("the answer has no choices");
        for (JsonNode choice : choices) {
            List<String> p = problems(choice.path("message").get("content"));
            if (!p.isEmpty()) return p;
        }
        return List.of();
    }
}
