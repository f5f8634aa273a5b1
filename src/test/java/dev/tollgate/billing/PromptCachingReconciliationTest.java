package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.ledger.Balance;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.ModelPrice;
import dev.tollgate.metering.Usage;
import dev.tollgate.testing.Sse;
import dev.tollgate.testing.TestGateway;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anthropic prompt caching billed per the price book (cached_input for reads, cache_write and cache_write_1h for
 * writes), through the real gateway and Anthropic adapter (chat completions translated, and /v1/messages passed
 * through), plain and streamed, reconciled to the µcr against an
 * independent BigDecimal oracle; the hold always covers the charge, and usage says what caching saved.
 */
class PromptCachingReconciliationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final BigDecimal IN = new BigDecimal("3.0001"), OUT = new BigDecimal("15.25"), READ = new BigDecimal("0.30001"),
            WRITE = new BigDecimal("3.750125"), WRITE_1H = new BigDecimal("6.0002");
    static final BigDecimal USD_PER_CREDIT = new BigDecimal("0.003");

    @TempDir
    Path dir;

    /** A fake Anthropic whose usage is what the prompt's text says: "input read write write1h output". */
    static HttpServer fakeAnthropic() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/messages", PromptCachingReconciliationTest::answer);
        server.start();
        return server;
    }

    static void answer(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            JsonNode content = body.at("/messages/0/content");
            String text = content.isTextual() ? content.asText() : content.path(0).path("text").asText();
            String[] n = text.trim().split(" ");
            String usage = "{\"input_tokens\":" + n[0] + ",\"cache_read_input_tokens\":" + n[1]
                    + ",\"cache_creation_input_tokens\":" + (Long.parseLong(n[2]) + Long.parseLong(n[3]))
                    + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":" + n[2] + ",\"ephemeral_1h_input_tokens\":" + n[3] + "}";
            if (!body.path("stream").asBoolean()) {
                byte[] out = ("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"usage\":"
                        + usage + ",\"output_tokens\":" + n[4] + "}}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, out.length);
                ex.getResponseBody().write(out);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\"usage\":" + usage + ",\"output_tokens\":1}}}");
            event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
            event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}");
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":" + n[4] + "}}");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    static void event(OutputStream out, String name, String json) throws IOException {
        out.write(("event: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void readsAndWritesArePricedPerThePriceBookToTheMicroCredit() throws Exception {
        HttpServer upstream = fakeAnthropic();
        String yaml = "credits: { usd_per_credit: 0.003 }\nlimits: { default_rpm: 0 }\n"
                + "providers: [ { name: anth, type: anthropic, base_url: '${UPSTREAM}', api_key: sk-ant-test-0123456789 } ]\n"
                + "models:\n  - { name: claude-x, provider: anth, price: { input: " + IN + ", output: " + OUT
                + ", cached_input: " + READ + ", cache_write: " + WRITE + ", cache_write_1h: " + WRITE_1H + " } }\n";
        try (TestGateway gw = TestGateway.start(dir, yaml, "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1")) {
            Random random = new Random(20261130);
            long expectedTotal = 0, discountTotal = 0;
            java.util.Map<String, long[]> sent = new java.util.HashMap<>(); // request id → input read write write1h output
            for (int i = 0; i < 40; i++) {
                long input = random.nextInt(500), read = random.nextInt(3) == 0 ? 0 : random.nextInt(5000);
                long write = random.nextInt(3) == 0 ? 0 : random.nextInt(3000), write1h = random.nextBoolean() ? 0 : random.nextInt(2000);
                long output = 1 + random.nextInt(30);
                boolean stream = random.nextBoolean();
                ObjectNode body = JSON.createObjectNode().put("model", "claude-x").put("stream", stream).put("max_tokens", 64);
                body.putArray("messages").addObject().put("role", "user")
                        .put("content", input + " " + read + " " + write + " " + write1h + " " + output);
                long prompt = input + read + write + write1h;
                long expected = oracle(input, read, write, write1h, output);
                if (i % 4 == 3) { // the Anthropic wire, passed through to the Anthropic upstream: billed the same
                    HttpResponse<String> res = gw.post("/v1/messages", JSON.writeValueAsString(body), gw.key);
                    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                    if (!stream) assertThat(micros(new BigDecimal(res.headers().firstValue("x-tollgate-cost").orElseThrow())))
                            .as("request %d", i).isEqualTo(expected);
                    if (read + write + write1h > 0) discountTotal += oracle(prompt, 0, 0, 0, output) - expected;
                    expectedTotal += expected;
                    sent.put(res.headers().firstValue("x-request-id").orElseThrow(), new long[] {input, read, write, write1h, output});
                    continue;
                }
                if (stream) body.putObject("stream_options").put("include_usage", true);
                HttpResponse<String> res = gw.post("/v1/chat/completions", JSON.writeValueAsString(body), gw.key);
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                JsonNode usage = stream ? lastUsage(res.body()) : JSON.readTree(res.body()).path("usage");
                assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(prompt);
                assertThat(usage.at("/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(read);
                assertThat(usage.at("/prompt_tokens_details/cache_write_tokens").asLong()).isEqualTo(write + write1h);
                assertThat(micros(usage.path("cost").decimalValue())).as("request %d", i).isEqualTo(expected);
                if (read + write + write1h > 0) {
                    long discount = oracle(prompt, 0, 0, 0, output) - expected;
                    assertThat(usage.at("/cost_details/cache_discount").decimalValue())
                            .isEqualByComparingTo(BigDecimal.valueOf(discount, 6));
                    discountTotal += discount;
                }
                expectedTotal += expected;
                sent.put(res.headers().firstValue("x-request-id").orElseThrow(), new long[] {input, read, write, write1h, output});
            }
            assertThat(discountTotal).as("the draw has writes dearer than reads and the reverse").isNotZero();
            assertEveryChargeRowReDerives(gw, sent);
            // analytics: cache_savings is the sum of the answers' cache_discount (signed), to the µcr
            assertThat(gw.gateway.usage().flush(java.time.Duration.ofSeconds(20))).isTrue();
            JsonNode stats = JSON.readTree(gw.get("/v1/usage/stats?hours=24", gw.key).body());
            assertThat(micros(stats.path("cache_savings").decimalValue())).isEqualTo(discountTotal);
            assertThat(micros(stats.path("cost").decimalValue())).isEqualTo(expectedTotal);
            long writesSent = sent.values().stream().mapToLong(v -> v[2] + v[3]).sum();
            try (var c = gw.gateway.usage().store().connection(); var ps = c.prepareStatement(
                    "SELECT SUM(cache_write_tokens), SUM(cached_tokens) FROM usage_events WHERE account_id = ?")) {
                ps.setString(1, gw.accountId);
                try (var rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("usage events' cache writes").isEqualTo(writesSent);
                    assertThat(rs.getLong(2)).isEqualTo(sent.values().stream().mapToLong(v -> v[1]).sum());
                }
            }
            Balance after = gw.gateway.ledger().balance(gw.accountId);
            assertThat(TestGateway.FUNDING_MICROS - after.postedMicros()).isEqualTo(expectedTotal);
            assertThat(after.heldMicros()).isZero();
            assertThat(gw.gateway.billing().ledger().verify().ok()).isTrue();
            assertThat(gw.gateway.metrics().get("tollgate.billing.shortfall.micros").counter().count()).isZero();
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void theHoldCoversAPromptWrittenWholeToTheCacheAtTheDearestPrice() {
        ModelPrice price = new ModelPrice("m", IN, READ, OUT, USD_PER_CREDIT, false, null, WRITE, WRITE_1H);
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            long prompt = random.nextInt(100_000), out = random.nextInt(4_000);
            long read = prompt == 0 ? 0 : random.nextLong(prompt + 1);
            long w = prompt - read == 0 ? 0 : random.nextLong(prompt - read + 1);
            long w1h = prompt - read - w == 0 ? 0 : random.nextLong(prompt - read - w + 1);
            long cost = Cost.costMicros(price, new Usage(prompt, read, out, 0, w, w1h));
            assertThat(Cost.worstCaseMicros(price, prompt, out)).isGreaterThanOrEqualTo(cost);
        }
        // all written with the 1-hour TTL is exactly the worst case: the bound is tight, not merely safe
        assertThat(Cost.worstCaseMicros(price, 1000, 10))
                .isEqualTo(Cost.costMicros(price, new Usage(1000, 0, 10, 0, 0, 1000)));
    }

    /**
     * Every charge row of the account holds the tokens the fake upstream reported for its request — cache reads,
     * 5-minute and 1-hour writes in their own columns — and its amount is the oracle's price of those columns alone.
     */
    static void assertEveryChargeRowReDerives(TestGateway gw, java.util.Map<String, long[]> sent) throws Exception {
        int rows = 0;
        try (var c = gw.gateway.database().connection(); var ps = c.prepareStatement("SELECT request_id, amount, "
                + "input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, price_version "
                + "FROM ledger_transfers WHERE type = 'charge' AND account = ?")) {
            ps.setString(1, gw.accountId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    long prompt = rs.getLong(3), read = rs.getLong(4), write = rs.getLong(5), write1h = rs.getLong(6), out = rs.getLong(7);
                    long[] want = sent.get(rs.getString(1));
                    assertThat(want).as("a charge for a request that was sent").isNotNull();
                    assertThat(new long[] {prompt - read - write - write1h, read, write, write1h, out}).isEqualTo(want);
                    assertThat(rs.getString(8)).as("price version").isNotBlank();
                    assertThat(rs.getLong(2)).as("row of %s", rs.getString(1)).isEqualTo(oracle(prompt - read - write - write1h, read, write, write1h, out));
                }
            }
        }
        assertThat(rows).isEqualTo(sent.size());
    }

    /** ceil(Σ tokens × USD per 1M ÷ 1M ÷ usd_per_credit × 1M) µcr, straight from the price book's definition. */
    static long oracle(long input, long read, long write, long write1h, long output) {
        BigDecimal usd = IN.multiply(BigDecimal.valueOf(input)).add(READ.multiply(BigDecimal.valueOf(read)))
                .add(WRITE.multiply(BigDecimal.valueOf(write))).add(WRITE_1H.multiply(BigDecimal.valueOf(write1h)))
                .add(OUT.multiply(BigDecimal.valueOf(output))).divide(BigDecimal.valueOf(1_000_000));
        return usd.divide(USD_PER_CREDIT, 40, RoundingMode.CEILING)
                .multiply(BigDecimal.valueOf(1_000_000)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    static long micros(BigDecimal credits) {
        return credits.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    static JsonNode lastUsage(String sse) throws IOException {
        JsonNode usage = null;
        for (String data : Sse.events(sse)) {
            if (data.equals("[DONE]")) continue;
            JsonNode chunk = JSON.readTree(data);
            if (chunk.has("usage") && !chunk.get("usage").isNull()) usage = chunk.get("usage");
        }
        return usage;
    }
}
