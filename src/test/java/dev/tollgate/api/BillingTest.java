package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request is paid exactly once, at the right price; failures cost nothing. */
class BillingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Fake usage 12 prompt + 3 completion at $1 / $2 per 1M and $0.001 per credit. */
    static final long FAKE_COST_MICROS = 12 * 1000 + 3 * 2000;

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok", "gated", "fail-500", "fail-429", "bad-request",
                "provider-auth", "garbage", "hang", "cut-before-first", "cut-after-1", "cut-after-2", "stall-after-2", "gpt-4o-mini") + """
                  - { name: free-one, provider: fake, upstream: ok, price: free }
                aliases:
                  resilient: [fail-500, ok]
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

    @Test
    void plainAnswerIsChargedTheReportedUsage() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.018");
        assertThat(res.headers().firstValue("x-tollgate-cost")).contains("0.018");
        long expected = TestGateway.FUNDING_MICROS - FAKE_COST_MICROS;
        assertThat(res.headers().firstValue("x-tollgate-balance")).contains(Cost.toCredits(expected));
        assertThat(balance()).isEqualTo(new Balance(expected, 0));
        HistoryEntry charge = charges().get(0);
        assertThat(charge.amountMicros()).isEqualTo(-FAKE_COST_MICROS);
        assertThat(charge.model()).isEqualTo("ok");
        assertThat(charge.requestId()).isEqualTo(res.headers().firstValue("x-request-id").orElseThrow());
        assertThat(gw.gateway.ledger().verify().ok()).isTrue();
    }

    @Test
    void streamIsChargedAndTheUsageChunkCarriesTheCost() throws Exception {
        String body = "{\"model\":\"ok\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String> events = dev.tollgate.testing.Sse.events(gw.post("/v1/chat/completions", body, gw.key).body());
        JsonNode usage = JSON.readTree(events.get(events.size() - 2)).path("usage");
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo("0.018");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(12);
        // Without include_usage the client sees no usage, but the gateway still bills it.
        gw.post("/v1/chat/completions", TestGateway.chat("ok", true), gw.key);
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS - 2 * FAKE_COST_MICROS, 0));
        assertThat(charges()).hasSize(2);
    }

    @Test
    void failedRequestsAreNeverCharged() throws Exception {
        for (String model : List.of("fail-500", "fail-429", "bad-request", "provider-auth", "garbage", "hang", "cut-before-first")) {
            for (boolean stream : new boolean[] {false, true}) {
                if (model.equals("cut-before-first") && !stream) continue; // the fake cuts streams only
                HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat(model, stream), gw.key);
                assertThat(res.statusCode()).as(model + " stream=" + stream).isIn(400, 429, 502, 504);
                assertThat(balance()).as(model + " stream=" + stream).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
            }
        }
        assertThat(charges()).isEmpty();
        assertThat(gw.gateway.ledger().verify().ok()).isTrue();
    }

    @Test
    void streamCutBeforeAnyTokenIsNotCharged() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("cut-after-1", true), gw.key);
        assertThat(res.body()).contains("\"role\":\"assistant\"").contains("upstream_error");
        assertThat(charges()).isEmpty();
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cut-after-2", "stall-after-2"})
    void streamCutAfterTokensIsChargedForWhatWasProduced(String model) throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat(model, true), gw.key);
        assertThat(res.body()).contains("partial").contains("upstream_error");
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        PriceBook prices = new PriceBook(gw.gateway.config());
        long expected = Cost.costMicros(prices.price(model),
                Usage.of(PromptTokens.exact(sent, model), OutputTokens.count("partial", model)));
        assertThat(expected).isPositive();
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-expected));
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS - expected, 0));
    }

    @Test
    void fallbackBillsOnlyTheModelThatAnswered() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("resilient", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(charges()).singleElement().satisfies(c -> {
            assertThat(c.model()).isEqualTo("ok");
            assertThat(c.amountMicros()).isEqualTo(-FAKE_COST_MICROS);
        });
        assertThat(balance().heldMicros()).isZero();
    }

    @Test
    void freeModelsCostNothing() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("free-one", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-cost")).contains("0");
        assertThat(res.headers().firstValue("x-tollgate-balance")).as("a free answer reads no balance").isEmpty();
        assertThat(balance().postedMicros()).isEqualTo(TestGateway.FUNDING_MICROS);
    }

    @Test
    void insufficientCreditsIs402AndTheProviderIsNotCalled() throws Exception {
        String poor = fundedKey("0.5");
        int calls = upstream.requests.size();
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), poor);
        assertThat(res.statusCode()).isEqualTo(402);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("insufficient_credits");
        assertThat(error.path("message").asText()).contains("needs up to").contains("0.5 available");
        assertThat(upstream.requests).hasSize(calls);
        // a smaller output cap fits the same balance
        HttpResponse<String> small = gw.post("/v1/chat/completions", "{\"model\":\"ok\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", poor);
        assertThat(small.statusCode()).isEqualTo(200);
    }

    /** The cheap bound would not fit, the exact count does: the request must not get 402. */
    @Test
    void exactCountIsUsedBeforeRefusing() throws Exception {
        String request = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "héllo wörld ".repeat(300) + "\"}]}";
        JsonNode parsed = JSON.readTree(request);
        PriceBook prices = new PriceBook(gw.gateway.config());
        long exact = Cost.worstCaseMicros(prices.price("gpt-4o-mini"), PromptTokens.exact(parsed, "gpt-4o-mini"), 1);
        long bound = Cost.worstCaseMicros(prices.price("gpt-4o-mini"), PromptTokens.upperBound(parsed, "gpt-4o-mini"), 1);
        assertThat(bound).as("precondition: the bound is well above the exact worst case").isGreaterThan(exact * 2);
        String key = fundedKey(Cost.toCredits(exact));
        HttpResponse<String> res = gw.post("/v1/chat/completions", request, key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(gw.gateway.metrics().scrape()).contains("tollgate_billing_exact_recounts_total 1.0");
    }

    @Test
    void clientThatDisconnectsMidStreamIsStillBilled() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + gw.key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat("gated", true))).build();
        HttpResponse<InputStream> res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = res.body();
        assertThat(in.read()).isEqualTo('d'); // the first chunk arrived
        in.close(); // the client goes away while the provider is still answering
        upstream.gate.countDown();
        assertThat(Credits.eventually(Duration.ofSeconds(10), () -> !charges().isEmpty())).isTrue();
        // billed for the prompt and what was written to it before the gateway noticed (ClientDisconnectTest measures it)
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isNegative());
        // the charge row is visible as soon as it commits; the slice's in-memory hold shrinks only after
        // that commit (Slices: memory never promises more than the store reserved), so wait for it
        assertThat(Credits.eventually(Duration.ofSeconds(10), () -> balance().heldMicros() == 0)).isTrue();
        assertThat(charges()).hasSize(1);
    }

    @Test
    void estimateAnswersWithoutCallingTheProvider() throws Exception {
        int calls = upstream.requests.size();
        HttpResponse<String> res = gw.post("/v1/estimate", "{\"model\":\"gpt-4o-mini\",\"max_tokens\":100,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say this is a test!\"}]}", gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode e = JSON.readTree(res.body());
        assertThat(e.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(e.path("provider").asText()).isEqualTo("fake");
        assertThat(e.path("estimated_input_tokens").asLong()).isEqualTo(13); // OpenAI's documented count
        assertThat(e.path("estimated_output_tokens").asLong()).isEqualTo(100);
        assertThat(e.path("estimated_cost").decimalValue()).isEqualByComparingTo("0.213"); // 13×0.001 + 100×0.002
        assertThat(e.path("max_cost").decimalValue()).isGreaterThanOrEqualTo(e.path("estimated_cost").decimalValue());
        assertThat(e.path("balance").decimalValue()).isEqualByComparingTo("1000");
        assertThat(e.path("sufficient").asBoolean()).isTrue();
        assertThat(upstream.requests).hasSize(calls);
        String poor = fundedKey("0.1");
        assertThat(JSON.readTree(gw.post("/v1/estimate", TestGateway.chat("ok", false), poor).body())
                .path("sufficient").asBoolean()).isFalse();
    }

    @Test
    void creditsEndpointsShowOnlyTheCallersAccount() throws Exception {
        gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key);
        gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key);
        String other = fundedKey("5");
        JsonNode mine = JSON.readTree(gw.get("/v1/credits", gw.key).body());
        assertThat(mine.path("account").asText()).isEqualTo(gw.accountId);
        assertThat(mine.path("balance").decimalValue()).isEqualByComparingTo("999.964");
        assertThat(mine.path("held").decimalValue()).isEqualByComparingTo("0");
        assertThat(mine.path("available").decimalValue()).isEqualByComparingTo("999.964");
        JsonNode theirs = JSON.readTree(gw.get("/v1/credits", other).body());
        assertThat(theirs.path("balance").decimalValue()).isEqualByComparingTo("5");

        JsonNode page1 = JSON.readTree(gw.get("/v1/credits/history?limit=2", gw.key).body());
        assertThat(page1.path("data")).hasSize(2);
        assertThat(page1.path("data").get(0).path("type").asText()).isEqualTo("charge");
        assertThat(page1.path("data").get(0).path("amount").decimalValue()).isEqualByComparingTo("-0.018");
        assertThat(page1.path("data").get(0).path("balance_after").decimalValue()).isEqualByComparingTo("999.964");
        String next = page1.path("next").asText();
        JsonNode page2 = JSON.readTree(gw.get("/v1/credits/history?limit=2&before=" + next, gw.key).body());
        assertThat(page2.path("data")).hasSize(1);
        assertThat(page2.path("data").get(0).path("type").asText()).isEqualTo("grant");
        assertThat(page2.path("next").isNull()).isTrue();
        JsonNode theirHistory = JSON.readTree(gw.get("/v1/credits/history", other).body());
        assertThat(theirHistory.path("data")).hasSize(1);
        assertThat(gw.get("/v1/credits/history?limit=0", gw.key).statusCode()).isEqualTo(400);
        assertThat(gw.get("/v1/credits/history?before=garbage", gw.key).statusCode()).isEqualTo(400);
    }

    @Test
    void adminTopUpsAreIdempotentByKey() throws Exception {
        String url = "/admin/accounts/" + gw.accountId + "/credits";
        String body = "{\"amount\":\"2.5\",\"reason\":\"promo\",\"idempotency_key\":\"promo-1\"}";
        HttpResponse<String> first = gw.post(url, body, TestGateway.ADMIN_TOKEN);
        HttpResponse<String> retry = gw.post(url, body, TestGateway.ADMIN_TOKEN);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).path("balance").decimalValue()).isEqualByComparingTo("1002.5");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(gw.post(url, "{\"amount\":3,\"idempotency_key\":\"promo-1\"}", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(409);
        assertThat(gw.post(url, "{\"amount\":-5000}", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        assertThat(gw.post(url, "{\"amount\":0.0000001}", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        assertThat(gw.post(url, "{\"amount\":1}", gw.key).statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(gw.post(url, "{\"amount\":-2.5}", TestGateway.ADMIN_TOKEN).body())
                .path("balance").decimalValue()).isEqualByComparingTo("1000");
        JsonNode account = JSON.readTree(gw.get("/admin/accounts/" + gw.accountId, TestGateway.ADMIN_TOKEN).body());
        assertThat(account.path("balance").decimalValue()).isEqualByComparingTo("1000");
        HttpResponse<String> created = gw.post("/admin/accounts", "{\"name\":\"rich\",\"credits\":12.5}", TestGateway.ADMIN_TOKEN);
        assertThat(JSON.readTree(created.body()).path("balance").decimalValue()).isEqualByComparingTo("12.5");
    }

    /** A new account with {@code credits} and a key for it. */
    String fundedKey(String credits) throws Exception {
        JsonNode account = JSON.readTree(gw.post("/admin/accounts", "{\"name\":\"poor\",\"credits\":\"" + credits + "\"}",
                TestGateway.ADMIN_TOKEN).body());
        return JSON.readTree(gw.post("/admin/accounts/" + account.path("id").asText() + "/keys", "{}",
                TestGateway.ADMIN_TOKEN).body()).path("key").asText();
    }
}
