package dev.tollgate.api;

import static dev.tollgate.testing.ScriptedOpenAi.chunk;
import static dev.tollgate.testing.ScriptedOpenAi.completion;
import static dev.tollgate.testing.ScriptedOpenAi.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.Usage;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /v1/messages is billed exactly like chat: the charge is the usage × price; a failed request is free. */
class MessagesBillingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = "{\"prompt_tokens\":30,\"completion_tokens\":7,\"total_tokens\":37,\"prompt_tokens_details\":{\"cached_tokens\":10}}";
    /** 20 uncached × $1 + 10 cached × $0.5 + 7 × $2 per 1M tokens, at $0.001 per credit = 0.039 credits. */
    static final long USAGE_COST_MICROS = 20 * 1000 + 10 * 500 + 7 * 2000;

    @TempDir
    Path dir;
    ScriptedOpenAi upstream;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new ScriptedOpenAi();
        gw = TestGateway.start(dir, MessagesWireTest.config(), upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    HttpResponse<String> messages(String body, String key) {
        return TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages"))
                .timeout(Duration.ofSeconds(20))
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Balance balance() { return gw.gateway.ledger().balance(gw.accountId); }

    List<HistoryEntry> charges() {
        return gw.gateway.ledger().history(gw.accountId, 100, null).data().stream().filter(e -> e.type().equals("charge")).toList();
    }

    @Test
    void answerIsChargedItsUsageTimesPrice() throws Exception {
        upstream.answer("plain", completion("{\"role\":\"assistant\",\"content\":\"ok\"}", "\"stop\"", USAGE));
        HttpResponse<String> res = messages(MessagesWireTest.hello("plain", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("usage").path("cost").decimalValue()).isEqualByComparingTo(Cost.toCredits(USAGE_COST_MICROS));
        long expected = TestGateway.FUNDING_MICROS - USAGE_COST_MICROS;
        assertThat(res.headers().firstValue("x-tollgate-cost")).contains(Cost.toCredits(USAGE_COST_MICROS));
        assertThat(res.headers().firstValue("x-tollgate-balance")).contains(Cost.toCredits(expected));
        assertThat(balance()).isEqualTo(new Balance(expected, 0));
        assertThat(charges()).singleElement().satisfies(c -> {
            assertThat(c.amountMicros()).isEqualTo(-USAGE_COST_MICROS);
            assertThat(c.model()).isEqualTo("plain");
            assertThat(c.requestId()).isEqualTo(res.headers().firstValue("x-request-id").orElseThrow());
        });
        assertThat(gw.gateway.ledger().verify().ok()).isTrue();
    }

    @Test
    void streamIsChargedAndMessageDeltaCarriesTheCost() throws Exception {
        upstream.stream("streamed", chunk("{\"role\":\"assistant\",\"content\":\"Hi\"}", null), chunk("{}", "stop"), usageChunk(USAGE));
        String body = messages(MessagesWireTest.hello("streamed", true), gw.key).body();
        String delta = body.substring(body.indexOf("event: message_delta\ndata: ") + "event: message_delta\ndata: ".length());
        JsonNode usage = JSON.readTree(delta.substring(0, delta.indexOf('\n'))).path("usage");
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(Cost.toCredits(USAGE_COST_MICROS));
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-USAGE_COST_MICROS));
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS - USAGE_COST_MICROS, 0));
    }

    @Test
    void theUsageTheClientSeesIsTheUsageThatWasBilled() throws Exception {
        PriceBook prices = new PriceBook(gw.gateway.config());
        long total = 0;
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> res = messages("{\"model\":\"mock-small\",\"max_tokens\":50,\"stream\":" + stream + ","
                    + "\"system\":\"Be helpful.\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about toll roads\"}]}", gw.key);
            JsonNode usage = stream ? lastUsage(res.body()) : JSON.readTree(res.body()).path("usage");
            assertThat(usage.path("input_tokens").asLong()).isPositive();
            assertThat(usage.path("output_tokens").asLong()).isEqualTo(11); // "This is a mock answer to:" + 5 words
            long cost = Cost.costMicros(prices.price("mock-small"),
                    Usage.of(usage.path("input_tokens").asLong(), usage.path("output_tokens").asLong()));
            assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(Cost.toCredits(cost));
            total += cost;
        }
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS - total, 0));
    }

    static JsonNode lastUsage(String sse) throws Exception {
        String marker = "event: message_delta\ndata: ";
        String rest = sse.substring(sse.indexOf(marker) + marker.length());
        return JSON.readTree(rest.substring(0, rest.indexOf('\n'))).path("usage");
    }

    @Test
    void failedRequestsAreFree() {
        upstream.fail("broken", 500, "{\"error\":{\"message\":\"boom\"}}");
        upstream.fail("refused", 400, "{\"error\":{\"message\":\"bad thing\"}}");
        upstream.streamThenCut("cutmid"); // breaks before any chunk: nothing reached the client
        assertThat(messages(MessagesWireTest.hello("broken", false), gw.key).statusCode()).isEqualTo(502);
        assertThat(messages(MessagesWireTest.hello("broken", true), gw.key).statusCode()).isEqualTo(502);
        assertThat(messages(MessagesWireTest.hello("refused", false), gw.key).statusCode()).isEqualTo(400);
        assertThat(messages(MessagesWireTest.hello("cutmid", true), gw.key).statusCode()).isEqualTo(502);
        assertThat(messages("{\"model\":\"plain\",\"messages\":[]}", gw.key).statusCode()).isEqualTo(400);
        assertThat(charges()).isEmpty();
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
        assertThat(gw.gateway.ledger().verify().ok()).isTrue();
    }

    @Test
    void streamCutAfterTokensIsChargedForWhatWasProduced() {
        upstream.streamThenCut("cutmid", chunk("{\"role\":\"assistant\",\"content\":\"\"}", null), chunk("{\"content\":\"partial answer\"}", null));
        HttpResponse<String> res = messages(MessagesWireTest.hello("cutmid", true), gw.key);
        assertThat(res.body()).contains("partial answer").contains("event: error");
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isNegative());
        assertThat(balance().heldMicros()).isZero();
    }

    @Test
    void notEnoughCreditsIs402InAnthropicShapeAndNoProviderIsCalled() throws Exception {
        String poor = gw.gateway.accounts().create("poor", null).id();
        gw.gateway.ledger().grant("poor-funding", poor, 1_000, "a little");
        String key = gw.gateway.accounts().createKey(poor, "k", null, null).secret();
        int before = upstream.requests.size();
        HttpResponse<String> res = messages("{\"model\":\"plain\",\"max_tokens\":100000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", key);
        assertThat(res.statusCode()).isEqualTo(402);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("billing_error");
        assertThat(body.path("error").path("message").asText()).contains("credits").contains("0.001");
        assertThat(upstream.requests).hasSize(before);
        assertThat(gw.gateway.ledger().balance(poor)).isEqualTo(new Balance(1_000, 0));
    }
}
