package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.ledger.Balance;
import dev.tollgate.testing.TestGateway;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A randomized run through the real gateway and the mock provider: the sum of charges equals the sum
 * of (reported usage × price), to the micro-credit, computed here by an independent oracle.
 */
class ReconciliationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** USD per 1M tokens (input, output) with awkward decimals, and a rate that does not divide evenly. */
    static final Map<String, BigDecimal[]> PRICES = Map.of(
            "m-a", new BigDecimal[] {new BigDecimal("0.137"), new BigDecimal("0.5513")},
            "m-b", new BigDecimal[] {new BigDecimal("3.000001"), new BigDecimal("15.25")},
            "m-c", new BigDecimal[] {new BigDecimal("0.0001"), new BigDecimal("0.0007")});
    static final BigDecimal USD_PER_CREDIT = new BigDecimal("0.003");
    static final String[] WORDS = {"alpha", "β", "gamma", "δέλτα", "日本語", "emoji🙂", "x", "tokens", "billing", "exactly"};

    @TempDir
    Path dir;

    @Test
    void chargesEqualUsageTimesPriceToTheMicroCredit() throws Exception {
        StringBuilder models = new StringBuilder();
        PRICES.forEach((name, p) -> models.append("  - { name: ").append(name).append(", provider: mock, price: { input: ")
                .append(p[0].toPlainString()).append(", output: ").append(p[1].toPlainString()).append(" } }\n"));
        try (TestGateway gw = TestGateway.start(dir, "credits: { usd_per_credit: 0.003 }\nlimits: { default_rpm: 0 }\n"
                + "providers: [ { name: mock, type: mock } ]\nmodels:\n" + models, null)) {
            Random random = new Random(20261123);
            List<String> names = List.copyOf(PRICES.keySet()).stream().sorted().toList();
            long expectedTotal = 0;
            for (int i = 0; i < 150; i++) {
                String model = names.get(random.nextInt(names.size()));
                boolean stream = random.nextBoolean();
                ObjectNode body = JSON.createObjectNode().put("model", model).put("stream", stream)
                        .put("max_tokens", 1 + random.nextInt(40));
                if (stream) body.putObject("stream_options").put("include_usage", true);
                for (int m = 0; m <= random.nextInt(3); m++) {
                    StringBuilder text = new StringBuilder();
                    for (int w = 0; w < 1 + random.nextInt(30); w++) text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
                    body.putArray("messages").addObject().put("role", "user").put("content", text.toString());
                }
                HttpResponse<String> res = gw.post("/v1/chat/completions", JSON.writeValueAsString(body), gw.key);
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                JsonNode usage = stream ? usageOfStream(res.body()) : JSON.readTree(res.body()).path("usage");
                long expected = oracle(model, usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong());
                assertThat(micros(usage.path("cost").decimalValue())).as("request %d on %s", i, model).isEqualTo(expected);
                expectedTotal += expected;
            }
            Balance after = gw.gateway.ledger().balance(gw.accountId);
            assertThat(TestGateway.FUNDING_MICROS - after.postedMicros()).isEqualTo(expectedTotal);
            assertThat(after.heldMicros()).isZero();
            assertThat(gw.gateway.ledger().verify().ok()).isTrue();
        }
    }

    /** ceil((prompt × input + completion × output) / usd_per_credit), in µcr, straight from the definition. */
    static long oracle(String model, long prompt, long completion) {
        BigDecimal usd = PRICES.get(model)[0].multiply(BigDecimal.valueOf(prompt))
                .add(PRICES.get(model)[1].multiply(BigDecimal.valueOf(completion)))
                .divide(BigDecimal.valueOf(1_000_000));
        // 40 digits is far beyond any price's precision; the one rounding is the final ceiling
        return usd.divide(USD_PER_CREDIT, 40, RoundingMode.CEILING)
                .multiply(BigDecimal.valueOf(1_000_000)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    static long micros(BigDecimal credits) {
        return credits.movePointRight(6).longValueExact();
    }

    static JsonNode usageOfStream(String sse) throws Exception {
        List<String> events = dev.tollgate.testing.Sse.events(sse);
        return JSON.readTree(events.get(events.size() - 2)).path("usage");
    }
}
