package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capabilities, context windows and prefer_cheap decide the candidates, end to end through the gateway. */
class CandidateSelectionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMAGE = "[{\"type\":\"text\",\"text\":\"What is this?\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://images.example/cat.png\"}}]";

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, """
                providers:
                  - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: text-only, provider: fake, upstream: ok, price: { input: 1, output: 2 }, capabilities: [] }
                  - { name: seeing, provider: fake, upstream: ok, price: { input: 1, output: 2 }, capabilities: [vision, tools] }
                  - { name: schema, provider: fake, upstream: ok, price: { input: 1, output: 2 }, capabilities: [json_schema] }
                  - { name: anything, provider: fake, upstream: ok, price: { input: 1, output: 2 } }
                  - { name: tiny-known, provider: fake, upstream: gpt-4o-mini, price: { input: 1, output: 2 }, context_window: 100 }
                  - { name: tiny-unknown, provider: fake, upstream: ok, price: { input: 1, output: 2 }, context_window: 100 }
                  - { name: dear, provider: fake, upstream: ok, price: { input: 10, output: 20 } }
                  - { name: middle, provider: fake, upstream: ok, price: { input: 5, output: 10 } }
                  - { name: cheap, provider: fake, upstream: ok, price: { input: 1, output: 2 } }
                aliases:
                  picky: [text-only, seeing]
                """, upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    HttpResponse<String> chat(String body) {
        return gw.post("/v1/chat/completions", body, gw.key);
    }

    static String withContent(String model, String content, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]" + extra + "}";
    }

    static String answeredBy(HttpResponse<String> res) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res.headers().firstValue("x-tollgate-model").orElseThrow();
    }

    @Test
    void anImageSkipsACandidateWithoutVision() {
        assertThat(answeredBy(chat(withContent("picky", IMAGE, "")))).isEqualTo("seeing");
        assertThat(answeredBy(chat(withContent("picky", "\"no image here\"", "")))).isEqualTo("text-only");
    }

    @Test
    void toolsAndJsonSchemaNeedTheirCapability() {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]";
        assertThat(answeredBy(chat(withContent("schema", "\"hi\"", tools + ",\"models\":[\"seeing\"]")))).isEqualTo("seeing");
        String schema = ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}";
        assertThat(answeredBy(chat(withContent("seeing", "\"hi\"", schema + ",\"models\":[\"schema\"]")))).isEqualTo("schema");
        // a model that declares nothing is assumed to do everything
        assertThat(answeredBy(chat(withContent("anything", IMAGE, tools + schema)))).isEqualTo("anything");
    }

    @Test
    void whenEveryCandidateIsDroppedThe400SaysWhy() throws Exception {
        HttpResponse<String> res = chat(withContent("text-only", IMAGE, ",\"models\":[\"schema\"]"));
        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText())
                .contains("text-only: does not support vision").contains("schema: does not support vision");
        assertThat(upstream.requests).isEmpty();
    }

    @Test
    void contextWindowUsesTheExactCountOnlyWhenTheBoundDoesNotFitAndTheVocabularyIsKnown() throws Exception {
        // 40 short words: about 260 bytes (the bound is far above 100) but about 50 exact tokens
        String prompt = "\"" + "hello ".repeat(40).strip() + "\"";
        String body = withContent("tiny-known", prompt, ",\"max_tokens\":10");
        assertThat(answeredBy(chat(body))).isEqualTo("tiny-known");

        HttpResponse<String> res = chat(withContent("tiny-unknown", prompt, ",\"max_tokens\":10"));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).path("error").path("message").asText())
                .contains("tiny-unknown: context window 100 tokens <").contains("max_tokens 10");

        // the output cap counts: the known model cannot fit 80 more tokens
        HttpResponse<String> capped = chat(withContent("tiny-known", prompt, ",\"max_tokens\":80,\"models\":[\"anything\"]"));
        assertThat(answeredBy(capped)).isEqualTo("anything");
    }

    @Test
    void preferCheapOrdersByCostAndBillsTheCheapModel() throws Exception {
        String body = withContent("dear", "\"hi\"", ",\"models\":[\"middle\",\"cheap\"],\"prefer_cheap\":true");
        assertThat(answeredBy(chat(body))).isEqualTo("cheap");
        assertThat(upstream.requests.get(0).has("prefer_cheap")).isFalse();
        assertThat(upstream.requests.get(0).has("models")).isFalse();
        List<HistoryEntry> charges = gw.gateway.ledger().history(gw.accountId, 10, null).data();
        assertThat(charges.get(0).model()).isEqualTo("cheap");
        assertThat(charges.get(0).amountMicros()).isEqualTo(-(12 * 1000 + 3 * 2000));

        String plain = withContent("dear", "\"hi\"", ",\"models\":[\"middle\",\"cheap\"]");
        assertThat(answeredBy(chat(plain))).isEqualTo("dear");
        assertThat(answeredBy(chat(withContent("dear", "\"hi\"", ",\"models\":[\"middle\",\"cheap\"],\"prefer_cheap\":false"))))
                .isEqualTo("dear");

        JsonNode estimate = JSON.readTree(gw.post("/v1/estimate", body, gw.key).body());
        assertThat(estimate.path("model").asText()).isEqualTo("cheap");
        assertThat(estimate.has("task_type")).isFalse();
    }

    @Test
    void preferCheapMustBeABoolean() {
        HttpResponse<String> res = chat(withContent("dear", "\"hi\"", ",\"prefer_cheap\":\"yes\""));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("prefer_cheap");
    }

    @Test
    void preferCheapWorksOnTheAnthropicEndpoint() {
        HttpResponse<String> res = gw.post("/v1/messages", "{\"model\":\"dear\",\"max_tokens\":50,\"models\":[\"cheap\"],"
                + "\"prefer_cheap\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
        assertThat(answeredBy(res)).isEqualTo("cheap");
    }
}
