package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tollgate.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A schema is compiled once per distinct text, and the compiled one checks exactly like a fresh one. */
class StructuredOutputCompileTest {
    private static ObjectNode body(String schema) {
        return (ObjectNode) Json.parseOrNull(("{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"x\",\"schema\":" + schema + "}}}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSameSchemaIsCompiledOnceAndStillChecksAnswers() {
        String unique = UUID.randomUUID().toString(); // a schema no other test compiled
        String schema = "{\"type\":\"object\",\"title\":\"" + unique + "\",\"properties\":{\"age\":{\"type\":\"integer\"}},"
                + "\"required\":[\"age\"]}";
        int before = StructuredOutput.compiledCount();
        StructuredOutput first = StructuredOutput.of(body(schema));
        StructuredOutput second = StructuredOutput.of(body(schema)); // the handler, then the pipeline
        assertThat(StructuredOutput.compiledCount()).isEqualTo(Math.min(before + 1, StructuredOutput.COMPILED_MAX));
        for (StructuredOutput check : new StructuredOutput[] {first, second}) {
            assertThat(check.problems(TextNode.valueOf("{\"age\": 41}"))).isEmpty();
            assertThat(check.problems(TextNode.valueOf("{\"age\": \"old\"}"))).singleElement().asString().contains("/age");
            assertThat(check.problems(TextNode.valueOf("{}"))).isNotEmpty();
        }
    }

    @Test
    void anInvalidSchemaIsRefusedEveryTimeAndNeverCached() {
        String bad = "{\"type\":\"string\",\"title\":\"" + UUID.randomUUID() + "\",\"pattern\":\"(unclosed\"}";
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> StructuredOutput.of(body(bad))).isInstanceOf(ApiException.class)
                    .hasMessageContaining("response_format.json_schema.schema");
        }
    }
}
