package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.Balance;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v1/images/generations} through the real server to a fake OpenAI upstream, billed per image. */
class ImagesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PRICE = "{ image: { \"1024x1024\": 0.002, \"1024x1792\": 0.004, \"256x256\": 0.0000001234,"
            + " default: 0.003, hd: { \"1024x1024\": 0.006 } } }";

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
                  - { name: painter, provider: fake, upstream: ok, price: PRICE }
                  - { name: painter-one, provider: fake, upstream: one-image, price: PRICE }
                  - { name: painter-500, provider: fake, upstream: fail-500, price: PRICE }
                  - { name: painter-bad, provider: fake, upstream: bad-request, price: PRICE }
                  - { name: painter-hang, provider: fake, upstream: hang, price: PRICE }
                  - { name: strict-painter, provider: fake, upstream: ok, price: { image: { "1024x1024": 0.002 } } }
                  - { name: hd-only, provider: fake, upstream: ok, price: { image: { hd: { default: 0.01 } } } }
                  - { name: chat-only, provider: fake, upstream: ok, price: { input: 1, output: 2 } }
                  - { name: painter-free, provider: fake, upstream: ok, price: free }
                aliases:
                  painters: [painter-500, painter]
                """.replace("PRICE", PRICE), upstream.baseUrl());
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

    HttpResponse<String> generate(String body) {
        return gw.post("/v1/images/generations", body, gw.key);
    }

    @Test
    void requestPassesToTheProviderWithItsModelIdAndKey() throws Exception {
        HttpResponse<String> res = generate("{\"model\":\"painter\",\"prompt\":\"a red fox\",\"n\":2,\"size\":\"1024x1024\","
                + "\"quality\":\"standard\",\"response_format\":\"url\",\"style\":\"vivid\",\"background\":\"transparent\"}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(upstream.paths).containsExactly("/v1/images/generations");
        assertThat(upstream.authorizations).containsExactly("Bearer sk-test-provider-key-1234567890");
        JsonNode sent = upstream.requests.get(0);
        assertThat(sent.path("model").asText()).isEqualTo("ok");
        assertThat(sent.path("prompt").asText()).isEqualTo("a red fox");
        assertThat(sent.path("n").asInt()).isEqualTo(2);
        assertThat(sent.path("size").asText()).isEqualTo("1024x1024");
        assertThat(sent.path("background").asText()).isEqualTo("transparent");
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("data")).hasSize(2);
        assertThat(body.path("data").get(1).path("url").asText()).isEqualTo("https://images.example/1.png");
        assertThat(res.headers().firstValue("x-tollgate-provider")).contains("fake");
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("painter");
    }

    @ParameterizedTest(name = "n={0} size={1} quality={2} -> {3} credits")
    @CsvSource(nullValues = "-", value = {
        "3, 1024x1792, -,        12",     // 3 × $0.004 at $0.001 per credit
        "2, 1024x1024, hd,       12",     // the hd table wins for hd
        "1, 1024x1024, standard, 2",      // no standard table: the quality-independent size
        "1, 512x512,   -,        3",      // unlisted size: default
        "1, -,         -,        3",      // no size: default
        "3, 256x256,   -,        0.000371", // 3 × 123.4 µcr = 370.2, rounded up once (not 3 × 124)
    })
    void chargeIsImagesTimesPerImagePrice(int n, String size, String quality, String credits) throws Exception {
        String body = "{\"model\":\"painter\",\"prompt\":\"p\",\"n\":" + n + (size == null ? "" : ",\"size\":\"" + size + "\"")
                + (quality == null ? "" : ",\"quality\":\"" + quality + "\"") + "}";
        HttpResponse<String> res = generate(body);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-cost")).contains(credits);
        assertThat(JSON.readTree(res.body()).path("usage").path("cost").decimalValue()).isEqualByComparingTo(credits);
        long micros = new java.math.BigDecimal(credits).movePointRight(6).longValueExact();
        assertThat(charges()).singleElement().satisfies(c -> {
            assertThat(c.amountMicros()).isEqualTo(-micros);
            assertThat(c.model()).isEqualTo("painter");
        });
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS - micros, 0));
        assertThat(res.headers().firstValue("x-tollgate-balance"))
                .contains(dev.tollgate.metering.Cost.toCredits(TestGateway.FUNDING_MICROS - micros));
        assertThat(gw.gateway.ledger().verify().ok()).isTrue();
    }

    @Test
    void fewerImagesThanAskedAreChargedAsReturned() throws Exception {
        HttpResponse<String> res = generate("{\"model\":\"painter-one\",\"prompt\":\"p\",\"n\":4,\"size\":\"1024x1024\"}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("data")).hasSize(1);
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-2_000_000));
        assertThat(balance().heldMicros()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"prompt\":\"p\"}                                        | model",
        "{\"model\":\"painter\"}                                   | prompt",
        "{\"model\":\"painter\",\"prompt\":\"\"}                   | prompt",
        "{\"model\":\"painter\",\"prompt\":7}                      | prompt",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"n\":0}          | n",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"n\":11}         | n",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"n\":\"2\"}       | n",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"n\":1.5}        | n",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"size\":\"big\"} | size",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"quality\":\"ultra\"} | quality",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"response_format\":\"png\"} | response_format",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"style\":\"bold\"} | style",
        "{\"model\":\"painter\",\"prompt\":\"p\",\"stream\":true}  | stream",
        "{\"model\":\"strict-painter\",\"prompt\":\"p\",\"size\":\"512x512\"} | size",
        "{\"model\":\"strict-painter\",\"prompt\":\"p\"}           | size",
        "{\"model\":\"hd-only\",\"prompt\":\"p\",\"quality\":\"standard\"} | quality",
        "{\"model\":\"chat-only\",\"prompt\":\"p\"}                | model",
    })
    void invalidRequestsAre400NamingTheParam(String body, String param) throws Exception {
        HttpResponse<String> res = generate(body);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).containsIgnoringCase(param);
        assertThat(upstream.requests).isEmpty();
        assertThat(charges()).isEmpty();
    }

    @Test
    void unpricedSizeNamesThePricedOnes() throws Exception {
        JsonNode error = JSON.readTree(generate("{\"model\":\"strict-painter\",\"prompt\":\"p\",\"size\":\"512x512\"}").body()).path("error");
        assertThat(error.path("message").asText()).contains("strict-painter").contains("512x512").contains("1024x1024=0.002");
    }

    @Test
    void unknownModelIs404() throws Exception {
        HttpResponse<String> res = generate("{\"model\":\"nope\",\"prompt\":\"p\"}");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("model_not_found");
    }

    @ParameterizedTest
    @CsvSource({"painter-500, 502", "painter-bad, 400", "painter-hang, 504"})
    void upstreamFailuresAreNotCharged(String model, int status) throws Exception {
        HttpResponse<String> res = generate("{\"model\":\"" + model + "\",\"prompt\":\"p\",\"n\":2}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(charges()).isEmpty();
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
    }

    @Test
    void aliasFallsBackToTheNextModel() throws Exception {
        HttpResponse<String> res = generate("{\"model\":\"painters\",\"prompt\":\"p\",\"size\":\"1024x1024\"}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("painter");
        // routing.retries defaults to 2 tries per deployment before the next candidate
        assertThat(upstream.requests).extracting(r -> r.path("model").asText()).containsExactly("fail-500", "fail-500", "ok");
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-2_000_000));
        assertThat(balance().heldMicros()).isZero();
    }

    @Test
    void insufficientCreditsIs402BeforeTheProviderIsCalled() throws Exception {
        String poor = fundedKey("5"); // two 1024x1024 images need 4 credits, three 1024x1792 need 12
        HttpResponse<String> res = gw.post("/v1/images/generations",
                "{\"model\":\"painter\",\"prompt\":\"p\",\"n\":3,\"size\":\"1024x1792\"}", poor);
        assertThat(res.statusCode()).isEqualTo(402);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("insufficient_credits");
        assertThat(error.path("message").asText()).contains("needs up to 12 credits").contains("5 available");
        assertThat(upstream.requests).isEmpty();
        assertThat(gw.post("/v1/images/generations", "{\"model\":\"painter\",\"prompt\":\"p\",\"n\":2,\"size\":\"1024x1024\"}", poor)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void freeModelCostsNothing() throws Exception {
        HttpResponse<String> res = generate("{\"model\":\"painter-free\",\"prompt\":\"p\",\"n\":3}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-cost")).contains("0");
        assertThat(balance().postedMicros()).isEqualTo(TestGateway.FUNDING_MICROS);
    }

    String fundedKey(String credits) throws Exception {
        JsonNode account = JSON.readTree(gw.post("/admin/accounts", "{\"name\":\"poor\",\"credits\":\"" + credits + "\"}",
                TestGateway.ADMIN_TOKEN).body());
        return JSON.readTree(gw.post("/admin/accounts/" + account.path("id").asText() + "/keys", "{}",
                TestGateway.ADMIN_TOKEN).body()).path("key").asText();
    }
}
