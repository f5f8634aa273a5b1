package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.Balance;
import dev.tollgate.metering.Cost;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.FakeGemini;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured outputs end to end (docs/structured-outputs.md): the schema passed natively (OpenAI as sent, Gemini as
 * responseSchema, Anthropic as a forced tool), every answer validated, one billed repair when it is invalid, the
 * verdict in x-tollgate-schema, and routing that skips (and names) candidates that cannot honour a schema.
 */
class StructuredOutputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}";
    /** 10 prompt tokens at $1/M + 5 completion tokens at $2/M = $0.00002 = 0.02 credits. */
    static final long ONE_CALL_MICROS = 20_000;
    static final String SCHEMA = "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":true,\"schema\":"
            + "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"minimum\":0}},"
            + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}}}";
    static final String ADA = answer("{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36}");
    static final String WRONG_TYPE = answer("{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":\\\"old\\\"}");
    static final String PROSE = answer("Ada is 36.");

    @TempDir
    static Path dir;
    static ScriptedOpenAi upstream;
    static FakeAnthropic anthropic;
    static FakeGemini gemini;
    static TestGateway gw;

    static String answer(String content) {
        return ScriptedOpenAi.completion("{\"role\":\"assistant\",\"content\":\"" + content + "\"}", "\"stop\"", USAGE);
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = new ScriptedOpenAi()
                .answer("up-valid", ADA)
                .answers("up-repairable", WRONG_TYPE, ADA)
                .answer("up-hopeless", PROSE)
                .answers("up-object", PROSE, answer("{\\\"ok\\\":true}"))
                .answer("up-plain", PROSE)
                .answers("up-responses", PROSE, ADA)
                .answers("up-messages", WRONG_TYPE, ADA)
                .stream("up-stream", ScriptedOpenAi.chunk("{\"role\":\"assistant\",\"content\":\"Ada\"}", null),
                        ScriptedOpenAi.chunk("{}", "stop"), ScriptedOpenAi.usageChunk(USAGE));
        anthropic = new FakeAnthropic();
        gemini = new FakeGemini();
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                  - { name: claude, type: anthropic, base_url: "%s", api_key: sk-ant-test-provider-key-1234567890 }
                  - { name: local, type: mock }
                  - { name: google, type: gemini, base_url: "%s", api_key: AIza-test-provider-key-1234567890 }
                models:
                  - { name: valid, provider: fake, upstream: up-valid, price: { input: 1, output: 2 } }
                  - { name: repairable, provider: fake, upstream: up-repairable, price: { input: 1, output: 2 } }
                  - { name: hopeless, provider: fake, upstream: up-hopeless, price: { input: 1, output: 2 } }
                  - { name: object, provider: fake, upstream: up-object, price: { input: 1, output: 2 } }
                  - { name: plain, provider: fake, upstream: up-plain, price: { input: 1, output: 2 } }
                  - { name: responses, provider: fake, upstream: up-responses, price: { input: 1, output: 2 } }
                  - { name: messages, provider: fake, upstream: up-messages, price: { input: 1, output: 2 } }
                  - { name: claude-text, provider: claude, upstream: json-text, price: { input: 1, output: 2 } }
                  - { name: streamed, provider: fake, upstream: up-stream, price: { input: 1, output: 2 } }
                  - { name: mock-json, provider: local, price: { input: 1, output: 2 } }
                  - { name: no-schema, provider: fake, upstream: up-plain, price: { input: 1, output: 2 }, capabilities: [tools] }
                  - { name: claude-json, provider: claude, upstream: json-answer, price: { input: 1, output: 2 } }
                  - { name: gemini-json, provider: google, upstream: json-answer, price: { input: 1, output: 2 } }
                aliases:
                  people: [no-schema, valid]
                  only-plain: [no-schema]
                """.formatted(anthropic.baseUrl(), gemini.baseUrl()), upstream.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
        anthropic.close();
        gemini.close();
    }

    static HttpResponse<String> ask(String model, String format) {
        return gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"response_format\":" + format
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Who?\"}]}", gw.key);
    }

    static long posted() {
        Balance b = gw.gateway.ledger().balance(gw.accountId);
        assertThat(b.heldMicros()).as("every hold resolved").isZero();
        return b.postedMicros();
    }

    static long costMicros(HttpResponse<String> res) throws Exception {
        BigDecimal credits = JSON.readTree(res.body()).at("/usage/cost").decimalValue();
        assertThat(res.headers().firstValue("x-tollgate-cost").map(BigDecimal::new)).hasValue(credits);
        return credits.movePointRight(6).longValueExact();
    }

    @Test
    void aConformingAnswerIsValidAfterOneCallAndTheSchemaGoesToOpenAiAsSent() throws Exception {
        int before = upstream.requests.size();
        long balance = posted();
        HttpResponse<String> res = ask("valid", SCHEMA);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("valid");
        assertThat(upstream.requests.size() - before).isEqualTo(1);
        assertThat(upstream.lastRequest().path("response_format")).isEqualTo(JSON.readTree(SCHEMA));
        assertThat(costMicros(res)).isEqualTo(ONE_CALL_MICROS);
        assertThat(balance - posted()).isEqualTo(ONE_CALL_MICROS);
    }

    @Test
    void theVerdictSurvivesAConversation() throws Exception {
        // the conversation's responder wraps the wire's: the verdict (and dropped fields) must pass through it
        HttpResponse<String> created = gw.post("/v1/conversations", "{}", gw.key);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String conversation = JSON.readTree(created.body()).path("id").asText();
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"valid\",\"conversation_id\":\""
                + conversation + "\",\"response_format\":" + SCHEMA
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Who?\"}]}", gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("valid");
    }

    @Test
    void anInvalidAnswerIsRepairedByASecondBilledCall() throws Exception {
        int before = upstream.requests.size();
        long balance = posted();
        HttpResponse<String> res = ask("repairable", SCHEMA);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("repaired");
        assertThat(upstream.requests.size() - before).as("one repair call").isEqualTo(2);
        JsonNode body = JSON.readTree(res.body());
        assertThat(JSON.readTree(body.at("/choices/0/message/content").asText()).path("age").asInt()).isEqualTo(36);

        JsonNode repair = upstream.lastRequest();
        JsonNode messages = repair.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).path("content").asText()).contains("old");
        assertThat(messages.get(2).path("content").asText()).contains("does not match")
                .contains("/age: string found, integer expected");
        assertThat(repair.path("response_format")).as("the repair keeps the schema").isEqualTo(JSON.readTree(SCHEMA));

        // both calls billed: the answer's cost, the header and the ledger all say the sum
        assertThat(costMicros(res)).isEqualTo(2 * ONE_CALL_MICROS);
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(20);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(10);
        assertThat(balance - posted()).isEqualTo(2 * ONE_CALL_MICROS);
        assertThat(res.headers().firstValue("x-tollgate-balance")).hasValue(Cost.toCredits(posted()));
    }

    @Test
    void anAnswerThatStaysInvalidIsDeliveredInvalidAndBothCallsAreBilled() throws Exception {
        int before = upstream.requests.size();
        long balance = posted();
        HttpResponse<String> res = ask("hopeless", SCHEMA);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("invalid");
        assertThat(upstream.requests.size() - before).isEqualTo(2);
        assertThat(JSON.readTree(res.body()).at("/choices/0/message/content").asText()).isEqualTo("Ada is 36.");
        assertThat(upstream.lastRequest().at("/messages/2/content").asText()).contains("not valid JSON");
        assertThat(costMicros(res)).isEqualTo(2 * ONE_CALL_MICROS);
        assertThat(balance - posted()).isEqualTo(2 * ONE_CALL_MICROS);
    }

    @Test
    void jsonObjectIsCheckedAndRepairedToo() throws Exception {
        HttpResponse<String> res = ask("object", "{\"type\":\"json_object\"}");
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("repaired");
        assertThat(JSON.readTree(res.body()).at("/choices/0/message/content").asText()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void anthropicGetsAForcedToolAndItsInputComesBackAsContent() throws Exception {
        HttpResponse<String> res = ask("claude-json", SCHEMA);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("valid");
        JsonNode sent = anthropic.last().body();
        assertThat(sent.has("response_format")).isFalse();
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("json_answer");
        assertThat(sent.at("/tools/0/input_schema")).isEqualTo(JSON.readTree(SCHEMA).at("/json_schema/schema"));
        assertThat(sent.at("/tool_choice/name").asText()).isEqualTo("json_answer");
        JsonNode message = JSON.readTree(res.body()).at("/choices/0/message");
        assertThat(JSON.readTree(message.path("content").asText())).isEqualTo(JSON.readTree("{\"name\":\"Ada\",\"age\":36}"));
        assertThat(message.has("tool_calls")).isFalse();
    }

    @Test
    void geminiGetsTheSchemaAsResponseSchema() throws Exception {
        HttpResponse<String> res = ask("gemini-json", SCHEMA);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("valid");
        JsonNode config = gemini.last().body().path("generationConfig");
        assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.at("/responseSchema/type").asText()).isEqualTo("OBJECT");
        assertThat(config.at("/responseSchema/properties/age/type").asText()).isEqualTo("INTEGER");
        assertThat(config.at("/responseSchema/required/1").asText()).isEqualTo("age");
    }

    @Test
    void aFallbackChainSkipsACandidateWithoutJsonSchemaAndSaysWhy() throws Exception {
        HttpResponse<String> res = ask("people", SCHEMA);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-model")).hasValue("valid");
        assertThat(res.headers().firstValue("x-tollgate-attempts")).hasValue("no-schema@fake=skip:no_json_schema; valid@fake=ok");
        // without a schema the same chain starts at its first candidate
        HttpResponse<String> plain = ask("people", "{\"type\":\"text\"}");
        assertThat(plain.headers().firstValue("x-tollgate-model")).hasValue("no-schema");
        assertThat(plain.headers().firstValue("x-tollgate-schema")).isEmpty();
    }

    @Test
    void whenNoCandidateCanHonourTheSchemaTheRequestIsRefusedBeforeAnyCall() throws Exception {
        int before = upstream.requests.size();
        HttpResponse<String> res = ask("only-plain", SCHEMA);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).at("/error/message").asText()).contains("no-schema: does not support json_schema");
        assertThat(upstream.requests.size()).isEqualTo(before);
    }

    @Test
    void theResponsesApiTextFormatIsCheckedAndRepairedToo() throws Exception {
        JsonNode schema = JSON.readTree(SCHEMA).path("json_schema");
        HttpResponse<String> res = gw.post("/v1/responses", "{\"model\":\"responses\",\"input\":\"Who?\","
                + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"person\",\"schema\":" + schema.path("schema")
                + "}}}", gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("repaired");
        JsonNode body = JSON.readTree(res.body());
        assertThat(JSON.readTree(body.at("/output/0/content/0/text").asText()).path("name").asText()).isEqualTo("Ada");
        assertThat(body.at("/usage/input_tokens").asInt()).as("both calls in the usage").isEqualTo(20);
    }

    @Test
    void anthropicClientsOutputConfigIsTranslatedForOthersAndPassedToAnthropic() throws Exception {
        JsonNode schema = JSON.readTree(SCHEMA).at("/json_schema/schema");
        String body = "{\"model\":\"%s\",\"max_tokens\":100,\"output_config\":{\"format\":{\"type\":\"json_schema\","
                + "\"schema\":" + schema + "}},\"messages\":[{\"role\":\"user\",\"content\":\"Who?\"}]}";
        HttpResponse<String> res = gw.post("/v1/messages", body.formatted("messages"), gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("repaired");
        assertThat(res.headers().firstValue("x-tollgate-dropped-fields")).isEmpty();
        assertThat(upstream.lastRequest().at("/response_format/json_schema/schema")).isEqualTo(schema);
        assertThat(JSON.readTree(JSON.readTree(res.body()).at("/content/0/text").asText()).path("age").asInt()).isEqualTo(36);

        HttpResponse<String> native_ = gw.post("/v1/messages", body.formatted("claude-text"), gw.key);
        assertThat(native_.statusCode()).as(native_.body()).isEqualTo(200);
        assertThat(native_.headers().firstValue("x-tollgate-schema")).hasValue("valid");
        JsonNode sent = anthropic.last().body();
        assertThat(sent.at("/output_config/format/schema")).as("an Anthropic deployment gets the client's own body").isEqualTo(schema);
        assertThat(sent.has("tools")).isFalse();
    }

    @Test
    void aStreamGetsTheSchemaNativelyButNoVerdictAndNoRepair() throws Exception {
        int before = upstream.requests.size();
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"streamed\",\"stream\":true,"
                + "\"response_format\":" + SCHEMA + ",\"messages\":[{\"role\":\"user\",\"content\":\"Who?\"}]}", gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("Ada").contains("[DONE]");
        assertThat(res.headers().firstValue("x-tollgate-schema")).isEmpty();
        assertThat(upstream.requests.size() - before).isEqualTo(1);
        assertThat(upstream.lastRequest().path("response_format")).isEqualTo(JSON.readTree(SCHEMA));
    }

    @Test
    void anInvalidAnswerIsNeverStoredInTheResponseCache() throws Exception {
        int before = upstream.requests.size();
        String cached = "{\"model\":\"hopeless\",\"cache\":{\"ttl\":60},\"response_format\":" + SCHEMA
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Cache me?\"}]}";
        HttpResponse<String> first = gw.post("/v1/chat/completions", cached, gw.key);
        HttpResponse<String> second = gw.post("/v1/chat/completions", cached, gw.key);
        assertThat(first.headers().firstValue("x-tollgate-schema")).hasValue("invalid");
        assertThat(second.headers().firstValue("x-tollgate-cache")).hasValue("miss");
        assertThat(second.headers().firstValue("x-tollgate-schema")).hasValue("invalid");
        assertThat(upstream.requests.size() - before).as("two calls each, nothing replayed").isEqualTo(4);
    }

    @Test
    void theDemosMockAnswersJsonTheSchemaAccepts() throws Exception {
        HttpResponse<String> res = ask("mock-json", SCHEMA);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-schema")).hasValue("valid");
        assertThat(JSON.readTree(JSON.readTree(res.body()).at("/choices/0/message/content").asText()))
                .isEqualTo(JSON.readTree("{\"name\":\"mock\",\"age\":0}"));
        HttpResponse<String> object = ask("mock-json", "{\"type\":\"json_object\"}");
        assertThat(object.headers().firstValue("x-tollgate-schema")).hasValue("valid");
    }

    @Test
    void noSchemaNoHeaderAndABrokenSchemaIsRefusedBeforeTheUpstream() throws Exception {
        HttpResponse<String> plain = ask("plain", "{\"type\":\"text\"}");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("x-tollgate-schema")).isEmpty();
        int before = upstream.requests.size();
        HttpResponse<String> broken = ask("valid", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":[1]}}");
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(400);
        assertThat(JSON.readTree(broken.body()).at("/error/param").asText()).isEqualTo("response_format.json_schema.schema");
        assertThat(upstream.requests.size()).isEqualTo(before);
    }
}
