package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** response_format json_schema on chat completions: forwarded as sent, the answer validated, the verdict in a header. */
class StructuredOutputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}";
    static final String SCHEMA = "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":true,\"schema\":"
            + "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"minimum\":0}},"
            + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}}}";

    @TempDir
    static Path dir;
    static ScriptedOpenAi upstream;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = new ScriptedOpenAi()
                .answer("up-valid", ScriptedOpenAi.completion(
                        "{\"role\":\"assistant\",\"content\":\"{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36}\"}", "\"stop\"", USAGE))
                .answer("up-wrong-type", ScriptedOpenAi.completion(
                        "{\"role\":\"assistant\",\"content\":\"{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":\\\"old\\\"}\"}", "\"stop\"", USAGE))
                .answer("up-prose", ScriptedOpenAi.completion(
                        "{\"role\":\"assistant\",\"content\":\"Ada is 36.\"}", "\"stop\"", USAGE));
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: valid, provider: fake, upstream: up-valid, price: { input: 1, output: 2 } }
                  - { name: wrong-type, provider: fake, upstream: up-wrong-type, price: { input: 1, output: 2 } }
                  - { name: prose, provider: fake, upstream: up-prose, price: { input: 1, output: 2 } }
                """, upstream.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    static HttpResponse<String> ask(String model, String format) {
        return gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"response_format\":" + format
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Who?\"}]}", gw.key);
    }

    @Test
    void aConformingAnswerIsValidAndTheSchemaIsForwarded() throws Exception {
        HttpResponse<String> res = ask("valid", SCHEMA);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("valid");
        JsonNode sent = upstream.lastRequest();
        assertThat(sent.at("/response_format/json_schema/schema/required/1").asText()).isEqualTo("age");
    }

    @Test
    void anAnswerBreakingTheSchemaOrNotJsonIsInvalidButStillDelivered() throws Exception {
        HttpResponse<String> wrong = ask("wrong-type", SCHEMA);
        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(wrong.headers().firstValue("x-tollgate-schema")).hasValue("invalid");
        assertThat(JSON.readTree(wrong.body()).at("/choices/0/message/content").asText()).contains("old");
        HttpResponse<String> prose = ask("prose", SCHEMA);
        assertThat(prose.headers().firstValue("x-tollgate-schema")).hasValue("invalid");
    }

    @Test
    void noSchemaNoHeaderAndABrokenSchemaIsRefusedBeforeTheUpstream() throws Exception {
        HttpResponse<String> plain = ask("prose", "{\"type\":\"text\"}");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("x-tollgate-schema")).isEmpty();
        int before = upstream.requests.size();
        HttpResponse<String> broken = ask("valid", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":[1]}}");
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(400);
        assertThat(JSON.readTree(broken.body()).at("/error/param").asText()).isEqualTo("response_format.json_schema.schema");
        assertThat(upstream.requests.size()).isEqualTo(before);
    }
}
