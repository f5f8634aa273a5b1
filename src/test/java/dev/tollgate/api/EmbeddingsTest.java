package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.metering.EmbeddingTokens;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v1/embeddings} through the real server to a fake OpenAI upstream, billed on a real store. */
class EmbeddingsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** 9 prompt tokens at $1 per 1M and $0.001 per credit. */
    static final long FAKE_COST_MICROS = FakeOpenAi.EMBEDDING_PROMPT_TOKENS * 1000L;

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, """
                providers:
                  - name: fake
                    type: openai
                    base_url: ${UPSTREAM}
                    api_key: sk-test-provider-key-1234567890
                server:
                  upstream_timeout_ms: 2000
                models:
                  - { name: embed, provider: fake, upstream: ok, price: { input: 1, output: 0 } }
                  - { name: embed-uncounted, provider: fake, upstream: text-embedding-3-small-no-usage, price: { input: 1, output: 0 } }
                  - { name: embed-500, provider: fake, upstream: fail-500, price: { input: 1, output: 0 } }
                  - { name: embed-429, provider: fake, upstream: fail-429, price: { input: 1, output: 0 } }
                  - { name: embed-bad, provider: fake, upstream: bad-request, price: { input: 1, output: 0 } }
                  - { name: embed-auth, provider: fake, upstream: provider-auth, price: { input: 1, output: 0 } }
                  - { name: embed-garbage, provider: fake, upstream: garbage, price: { input: 1, output: 0 } }
                  - { name: embed-hang, provider: fake, upstream: hang, price: { input: 1, output: 0 } }
                  - { name: embed-free, provider: fake, upstream: ok, price: free }
                aliases:
                  embed-resilient: [embed-500, embed]
                  embed-fragile: [embed-bad, embed]
                """, upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    Balance balance() { return gw.gateway.ledger().balance(gw.accountId); }

    List<HistoryEntry> charges() {
        return gw.gateway.ledger().history(gw.accountId, 100, null).data().stream().filter(e -> e.type().equals("charge")).toList();
    }

    HttpResponse<String> embed(String body) {
        return gw.post("/v1/embeddings", body, gw.key);
    }

    @Test
    void requestPassesToTheProviderWithItsModelIdAndKey() throws Exception {
        HttpResponse<String> res = embed("{\"model\":\"embed\",\"input\":[\"alpha\",\"beta\"],\"encoding_format\":\"float\","
                + "\"dimensions\":3,\"user\":\"u-1\",\"vendor_extra\":{\"x\":1}}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(upstream.paths).containsExactly("/v1/embeddings");
        assertThat(upstream.authorizations).containsExactly("Bearer sk-test-provider-key-1234567890");
        JsonNode sent = upstream.requests.get(0);
        assertThat(sent.path("model").asText()).isEqualTo("ok");
        assertThat(sent.path("input")).hasSize(2);
        assertThat(sent.path("dimensions").asInt()).isEqualTo(3);
        assertThat(sent.path("encoding_format").asText()).isEqualTo("float");
        assertThat(sent.path("user").asText()).isEqualTo("u-1");
        assertThat(sent.path("vendor_extra").path("x").asInt()).isEqualTo(1);

        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).hasSize(2);
        assertThat(res.headers().firstValue("x-tollgate-provider")).contains("fake");
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("embed");
        assertThat(res.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void chargeIsReportedPromptTokensTimesInputPrice() throws Exception {
        HttpResponse<String> res = embed("{\"model\":\"embed\",\"input\":\"hello\"}");
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode usage = JSON.readTree(res.body()).path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(9);
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo("0.009");
        assertThat(res.headers().firstValue("x-tollgate-cost")).contains("0.009");
        long expected = TestGateway.FUNDING_MICROS - FAKE_COST_MICROS;
        assertThat(res.headers().firstValue("x-tollgate-balance")).contains(dev.tollgate.metering.Cost.toCredits(expected));
        assertThat(balance()).isEqualTo(new Balance(expected, 0));
        assertThat(charges()).singleElement().satisfies(c -> {
            assertThat(c.amountMicros()).isEqualTo(-FAKE_COST_MICROS);
            assertThat(c.model()).isEqualTo("embed");
            assertThat(c.requestId()).isEqualTo(res.headers().firstValue("x-request-id").orElseThrow());
        });
        assertThat(gw.gateway.ledger().verify().ok()).isTrue();
    }

    /** Without usage from the provider the gateway counts with the model's vocabulary (cl100k for text-embedding-*). */
    @Test
    void missingUsageIsCountedAndReported() throws Exception {
        String input = "[\"hello world\",\"hello world\"]";
        HttpResponse<String> res = embed("{\"model\":\"embed-uncounted\",\"input\":" + input + "}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        long tokens = EmbeddingTokens.counted(JSON.readTree(input), "text-embedding-3-small");
        assertThat(tokens).isEqualTo(4); // "hello world" is 2 cl100k tokens
        JsonNode usage = JSON.readTree(res.body()).path("usage");
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(4);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(4);
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-4000));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"input\":\"x\"}                                         | model",
        "{\"model\":\"embed\"}                                     | input",
        "{\"model\":\"embed\",\"input\":\"\"}                      | input",
        "{\"model\":\"embed\",\"input\":[]}                        | input",
        "{\"model\":\"embed\",\"input\":42}                        | input",
        "{\"model\":\"embed\",\"input\":[\"a\",\"\"]}              | input[1]",
        "{\"model\":\"embed\",\"input\":[\"a\",{\"text\":\"b\"}]}  | input[1]",
        "{\"model\":\"embed\",\"input\":[[1,2],[]]}                | input[1]",
        "{\"model\":\"embed\",\"input\":[[1,-2]]}                  | input[0][1]",
        "{\"model\":\"embed\",\"input\":[1,\"a\"]}                 | input[1]",
        "{\"model\":\"embed\",\"input\":\"a\",\"encoding_format\":\"hex\"} | encoding_format",
        "{\"model\":\"embed\",\"input\":\"a\",\"dimensions\":0}    | dimensions",
        "{\"model\":\"embed\",\"input\":\"a\",\"dimensions\":\"3\"} | dimensions",
        "{\"model\":\"embed\",\"input\":\"a\",\"user\":7}          | user",
    })
    void invalidRequestsAre400NamingTheParam(String body, String param) throws Exception {
        HttpResponse<String> res = embed(body);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).contains(param.replaceAll("\\[.*", ""));
        assertThat(upstream.requests).isEmpty();
    }

    @Test
    void tooManyInputsAre400() throws Exception {
        String many = "[" + "\"a\",".repeat(EmbeddingsRequest.INPUTS_MAX) + "\"a\"]";
        HttpResponse<String> res = embed("{\"model\":\"embed\",\"input\":" + many + "}");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).path("error").path("message").asText()).contains("at most 2048");
    }

    @Test
    void tokenArraysAreAccepted() throws Exception {
        assertThat(embed("{\"model\":\"embed\",\"input\":[1,2,3]}").statusCode()).isEqualTo(200);
        assertThat(embed("{\"model\":\"embed\",\"input\":[[1,2],[3]]}").statusCode()).isEqualTo(200);
        assertThat(charges()).hasSize(2);
    }

    @Test
    void unknownModelIs404AndMissingKeyIs401() throws Exception {
        HttpResponse<String> res = embed("{\"model\":\"nope\",\"input\":\"a\"}");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(gw.post("/v1/embeddings", "{\"model\":\"embed\",\"input\":\"a\"}", null).statusCode()).isEqualTo(401);
        assertThat(upstream.requests).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"embed-500, 502", "embed-429, 429", "embed-bad, 400", "embed-auth, 502", "embed-garbage, 502", "embed-hang, 504"})
    void upstreamFailuresAreNotCharged(String model, int status) throws Exception {
        HttpResponse<String> res = embed("{\"model\":\"" + model + "\",\"input\":\"a\"}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.body()).doesNotContain(FakeOpenAi.SECRET_IN_ERRORS).doesNotContain("sk-test-provider");
        assertThat(charges()).isEmpty();
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
    }

    @Test
    void aliasFallsBackOnRetryableErrorsOnly() throws Exception {
        HttpResponse<String> res = embed("{\"model\":\"embed-resilient\",\"input\":\"a\"}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("embed");
        // routing.retries defaults to 2 tries per deployment before the next candidate
        assertThat(upstream.requests).extracting(r -> r.path("model").asText()).containsExactly("fail-500", "fail-500", "ok");
        assertThat(charges()).singleElement().satisfies(c -> {
            assertThat(c.model()).isEqualTo("embed");
            assertThat(c.amountMicros()).isEqualTo(-FAKE_COST_MICROS);
        });
        // a 400 from the provider would fail the same way elsewhere: no fallback
        assertThat(embed("{\"model\":\"embed-fragile\",\"input\":\"a\"}").statusCode()).isEqualTo(400);
        assertThat(charges()).hasSize(1);
        assertThat(balance().heldMicros()).isZero();
    }

    @Test
    void insufficientCreditsIs402BeforeTheProviderIsCalled() throws Exception {
        String poor = fundedKey("0.006"); // the bound of "hello" is 5 bytes + 2 = 7 tokens: 0.007 credits
        HttpResponse<String> res = gw.post("/v1/embeddings", "{\"model\":\"embed\",\"input\":\"hello\"}", poor);
        assertThat(res.statusCode()).isEqualTo(402);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("insufficient_credits");
        assertThat(error.path("message").asText()).contains("0.007 credits").contains("0.006 available");
        assertThat(upstream.requests).isEmpty();
    }

    @Test
    void freeModelCostsNothing() throws Exception {
        HttpResponse<String> res = embed("{\"model\":\"embed-free\",\"input\":\"a\"}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-cost")).contains("0");
        assertThat(JSON.readTree(res.body()).path("usage").path("cost").decimalValue()).isEqualByComparingTo("0");
        assertThat(balance().postedMicros()).isEqualTo(TestGateway.FUNDING_MICROS);
    }

    String fundedKey(String credits) throws Exception {
        JsonNode account = JSON.readTree(gw.post("/admin/accounts", "{\"name\":\"poor\",\"credits\":\"" + credits + "\"}",
                TestGateway.ADMIN_TOKEN).body());
        return JSON.readTree(gw.post("/admin/accounts/" + account.path("id").asText() + "/keys", "{}",
                TestGateway.ADMIN_TOKEN).body()).path("key").asText();
    }
}
