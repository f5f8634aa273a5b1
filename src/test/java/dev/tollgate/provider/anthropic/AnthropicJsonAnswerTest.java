package dev.tollgate.provider.anthropic;

import static dev.tollgate.provider.AdapterHarness.call;
import static dev.tollgate.provider.AdapterHarness.collect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.provider.AdapterHarness;
import dev.tollgate.provider.AdapterHarness.Collected;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.testing.FakeAnthropic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** response_format on Anthropic: a forced json_answer tool out, its input back as the message content. */
class AnthropicJsonAnswerTest {
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}},"
            + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";
    static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"Ada, 36\"}]";
    static FakeAnthropic upstream;
    static AnthropicProvider adapter;

    @BeforeAll
    static void start() {
        upstream = new FakeAnthropic();
        adapter = new AnthropicProvider(AdapterHarness.provider("anthropic", upstream.baseUrl(),
                "sk-ant-api03-test-provider-key-000000", Map.of()), AdapterHarness.SERVER, 500);
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    static String jsonSchema(String schema) {
        return "{\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":true,\"schema\":"
                + schema + "}}," + ASK + "}";
    }

    @Test
    void theSchemaBecomesAForcedToolAndItsInputTheContent() throws Exception {
        ChatResult result = adapter.complete(call("json-answer", jsonSchema(SCHEMA), false));
        JsonNode sent = upstream.last().body();
        assertThat(sent.has("response_format")).as("Anthropic refuses unknown fields").isFalse();
        assertThat(sent.path("tools")).hasSize(1);
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("json_answer");
        assertThat(sent.at("/tools/0/input_schema")).isEqualTo(AdapterHarness.parse(SCHEMA));
        assertThat(sent.path("tool_choice").toString()).isEqualTo("{\"type\":\"tool\",\"name\":\"json_answer\"}");

        JsonNode choice = result.body().at("/choices/0");
        assertThat(AdapterHarness.parse(choice.at("/message/content").asText()))
                .isEqualTo(AdapterHarness.parse("{\"name\":\"Ada\",\"age\":36}"));
        assertThat(choice.path("message").has("tool_calls")).isFalse();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(result.usage().completionTokens()).isEqualTo(12);
    }

    @Test
    void jsonObjectAsksForAnyObjectAndOwnToolsStayCallable() throws Exception {
        adapter.complete(call("json-answer", "{\"response_format\":{\"type\":\"json_object\"},\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]," + ASK + "}", false));
        JsonNode sent = upstream.last().body();
        assertThat(sent.path("tools").findValuesAsText("name")).isEqualTo(List.of("lookup", "json_answer"));
        assertThat(sent.at("/tools/1/input_schema").toString()).isEqualTo("{\"type\":\"object\"}");
        assertThat(sent.path("tool_choice").toString()).isEqualTo("{\"type\":\"any\"}");
    }

    @Test
    void aNonObjectRootIsWrappedAndUnwrapped() throws Exception {
        String array = "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}";
        ChatResult result = adapter.complete(call("json-answer-wrapped", jsonSchema(array), false));
        JsonNode schema = upstream.last().body().at("/tools/0/input_schema");
        assertThat(schema.at("/properties/value")).isEqualTo(AdapterHarness.parse(array));
        assertThat(schema.path("required").toString()).isEqualTo("[\"value\"]");
        assertThat(result.body().at("/choices/0/message/content").asText()).isEqualTo("[\"a\",\"b\"]");

        Collected streamed = collect(adapter, call("json-answer-wrapped", jsonSchema(array), true));
        assertThat(streamed.failure()).isNull();
        assertThat(streamed.text()).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void aStreamedAnswerArrivesAsContentDeltas() {
        Collected streamed = collect(adapter, call("json-answer", jsonSchema(SCHEMA), true));
        assertThat(streamed.failure()).isNull();
        assertThat(AdapterHarness.parse(streamed.text())).isEqualTo(AdapterHarness.parse("{\"name\":\"Ada\",\"age\":36}"));
        assertThat(streamed.json()).noneMatch(c -> c.at("/choices/0/delta").has("tool_calls"));
        assertThat(streamed.json()).anyMatch(c -> c.at("/choices/0/finish_reason").asText("").equals("stop"));
        assertThat(upstream.last().body().path("tool_choice").path("name").asText()).isEqualTo("json_answer");
    }

    @Test
    void withExtendedThinkingTheToolIsOfferedNotForced() throws Exception {
        adapter.complete(call("json-answer", "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + jsonSchema(SCHEMA).substring(1), false));
        JsonNode sent = upstream.last().body();
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("json_answer");
        assertThat(sent.path("tool_choice").toString()).isEqualTo("{\"type\":\"auto\"}");
    }

    @Test
    void withoutResponseFormatNoToolIsAdded() throws Exception {
        adapter.complete(call("text", "{" + ASK + "}", false));
        assertThat(upstream.last().body().has("tools")).isFalse();
        assertThat(upstream.last().body().has("tool_choice")).isFalse();
    }
}
