package dev.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.account.LimitOverrides;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans end to end on one gateway: models outside the plan or the key (403 model_not_allowed), prompts over
 * max_context (400), images without the feature (403), monthly quotas and spend budgets (429 quota_exceeded /
 * budget_exceeded with Retry-After until the 1st), GET /v1/usage and /v1/plans, the admin reset, and the month
 * boundary on an injected clock.
 */
class PlansTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = """
            providers:
              - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
            models:
              - { name: small, provider: fake, upstream: ok, price: { input: 1, output: 2 } }
              - { name: large, provider: fake, upstream: ok, price: { input: 10, output: 20 } }
              - { name: painter, provider: fake, upstream: ok, price: { image: { default: 0.002 } } }
            aliases:
              any: [small, large]
            limits: { default_rpm: 0 }
            plans:
              free:
                description: Try it out
                price: "$0"
                monthly: { messages: 2, tokens: 100000, images: 1 }
                models: [small, painter]
                max_context: 50
                features: { images: false }
              pro:
                price: 20
                monthly: { images: 3 }
                monthly_budget: 5
            """;

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestClock clock = new TestClock(Instant.parse("2026-01-31T23:00:00Z"));
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, CONFIG, upstream.baseUrl(), "jdbc:sqlite:" + dir.resolve("tollgate.db"), clock,
                clock.sleeper());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    void plan(String plan) {
        gw.gateway.accounts().updateAccount(gw.accountId, Map.of("plan", plan));
    }

    HttpResponse<String> chat(String model) {
        return gw.post("/v1/chat/completions", TestGateway.chat(model, false), gw.key);
    }

    static JsonNode error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error");
    }

    @Test
    void aModelOutsideThePlanOrTheKeyIs403NamingIt() throws Exception {
        plan("free");
        HttpResponse<String> r = chat("large");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r).path("code").asText()).isEqualTo("model_not_allowed");
        assertThat(error(r).path("type").asText()).isEqualTo("permission_error");
        assertThat(error(r).path("message").asText()).contains("'large'", "plan 'free'");
        String fallback = "{\"model\":\"small\",\"models\":[\"any\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(gw.post("/v1/chat/completions", fallback, gw.key).statusCode()).as("every fallback is checked too").isEqualTo(403);
        assertThat(chat("small").statusCode()).isEqualTo(200);

        String narrow = gw.gateway.accounts().createKeyWithLimits(gw.accountId, "n", LimitOverrides.NONE, Set.of("painter")).secret();
        HttpResponse<String> byKey = gw.post("/v1/chat/completions", TestGateway.chat("small", false), narrow);
        assertThat(byKey.statusCode()).isEqualTo(403);
        assertThat(error(byKey).path("message").asText()).contains("API key");
        assertThat(upstream.calls("ok")).isEqualTo(1);
    }

    @Test
    void aPromptOverMaxContextIs400AndImagesNeedTheFeature() throws Exception {
        plan("free");
        String longPrompt = "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(200) + "\"}]}";
        HttpResponse<String> r = gw.post("/v1/chat/completions", longPrompt, gw.key);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error(r).path("message").asText()).contains("plan 'free'", "at most 50 (max_context)");

        HttpResponse<String> image = gw.post("/v1/images/generations", "{\"model\":\"painter\",\"prompt\":\"a cat\"}", gw.key);
        assertThat(image.statusCode()).isEqualTo(403);
        assertThat(error(image).path("message").asText()).contains("Image generation", "plan 'free'");
        assertThat(upstream.paths).isEmpty();
    }

    @Test
    void theMonthlyMessagesQuotaIsExactAndResetsAtMidnightOnTheFirst() throws Exception {
        plan("free");
        assertThat(chat("small").statusCode()).isEqualTo(200);
        assertThat(chat("small").statusCode()).isEqualTo(200);
        HttpResponse<String> over = chat("small");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(error(over).path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(error(over).path("message").asText()).contains("plan 'free'", "2 messages per month",
                "2026-02-01T00:00:00Z");
        assertThat(over.headers().firstValue("retry-after")).contains("3600");

        JsonNode usage = JSON.readTree(gw.get("/v1/usage", gw.key).body());
        assertThat(usage.path("plan").asText()).isEqualTo("free");
        assertThat(usage.path("period").path("start").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(usage.path("period").path("end").asText()).isEqualTo("2026-02-01T00:00:00Z");
        assertThat(usage.path("messages").path("used").asLong()).isEqualTo(2);
        assertThat(usage.path("messages").path("limit").asLong()).isEqualTo(2);
        assertThat(usage.path("messages").path("remaining").asLong()).isZero();
        assertThat(usage.path("tokens").path("used").asLong()).isEqualTo(30); // 2 × (12 + 3) from the fake
        assertThat(usage.path("spend").path("limit").isNull()).isTrue();
        assertThat(usage.path("spend").path("used").decimalValue()).isPositive();
        JsonNode alerts = usage.path("alerts");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (alerts.size() < 3 && System.nanoTime() < deadline) { // recorded off the request path
            Thread.sleep(20);
            alerts = JSON.readTree(gw.get("/v1/usage", gw.key).body()).path("alerts");
        }
        assertThat(alerts).as("80, 95 and 100 % of 2 messages").hasSize(3);
        assertThat(alerts.get(0).path("metric").asText()).isEqualTo("messages");
        assertThat(alerts.get(0).path("subject").asText()).isEqualTo(gw.accountId);

        clock.set(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(chat("small").statusCode()).as("a new month starts at zero").isEqualTo(200);
        assertThat(JSON.readTree(gw.get("/v1/usage", gw.key).body()).path("messages").path("used").asLong()).isEqualTo(1);
    }

    /** Without a plan or budget nothing is counted per request: /v1/usage reads the month from the usage rollups. */
    @Test
    void withoutAPlanOrBudgetUsageComesFromTheAnalytics() throws Exception {
        clock.set(Instant.parse("2026-01-15T10:00:00Z"));
        HttpResponse<String> first = chat("small");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(chat("large").statusCode()).isEqualTo(200);
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("nope", false), gw.key).statusCode()).isEqualTo(404);
        clock.set(Instant.parse("2026-01-31T23:30:00Z")); // another day, same month
        assertThat(chat("small").statusCode()).isEqualTo(200);
        assertThat(gw.gateway.usage().flush(java.time.Duration.ofSeconds(20))).isTrue();

        JsonNode usage = JSON.readTree(gw.get("/v1/usage", gw.key).body());
        assertThat(usage.path("plan").isNull()).isTrue();
        assertThat(usage.path("counted_by").asText()).isEqualTo("analytics");
        assertThat(usage.path("messages").path("used").asLong()).as("successful requests").isEqualTo(3);
        assertThat(usage.path("messages").path("limit").isNull()).isTrue();
        assertThat(usage.path("tokens").path("used").asLong()).isEqualTo(45); // 3 × (12 + 3) from the fake
        long spent = TestGateway.FUNDING_MICROS - gw.gateway.ledger().balance(gw.accountId).postedMicros();
        assertThat(spent).isPositive();
        assertThat(usage.path("spend").path("used").decimalValue()).as("the ledger's charges")
                .isEqualByComparingTo(dev.tollgate.metering.Cost.toCreditsDecimal(spent));

        clock.set(Instant.parse("2026-02-01T00:00:00Z"));
        JsonNode february = JSON.readTree(gw.get("/v1/usage", gw.key).body());
        assertThat(february.path("messages").path("used").asLong()).as("a new month starts at zero").isZero();
        assertThat(february.path("spend").path("used").decimalValue()).isZero();

        plan("pro"); // now counted per request
        assertThat(JSON.readTree(gw.get("/v1/usage", gw.key).body()).path("counted_by").asText()).isEqualTo("quotas");
    }

    @Test
    void theAdminResetZeroesTheMonth() throws Exception {
        plan("free");
        chat("small");
        chat("small");
        assertThat(chat("small").statusCode()).isEqualTo(429);
        HttpResponse<String> reset = gw.post("/admin/accounts/" + gw.accountId + "/usage/reset",
                "{\"reason\":\"goodwill\"}", TestGateway.ADMIN_TOKEN);
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(reset.body()).path("period").asText()).isEqualTo("2026-01");
        assertThat(chat("small").statusCode()).isEqualTo(200);
        assertThat(gw.post("/admin/accounts/acct_nope/usage/reset", "", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(gw.post("/admin/accounts/" + gw.accountId + "/usage/reset", "", gw.key).statusCode()).isEqualTo(401);
    }

    @Test
    void aSpendBudgetRefusesTheRequestWhoseWorstCaseWouldCrossIt() throws Exception {
        plan("pro"); // 5 credits a month for the account
        String big = "{\"model\":\"large\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // large: 10 and 20 USD per 1M tokens at $0.001 per credit = 10,000 and 20,000 µcr per token
        long worst = dev.tollgate.metering.PromptTokens.upperBound(JSON.readTree(big)) * 10_000 + 40 * 20_000;
        long actual = 12 * 10_000 + 3 * 20_000; // what the fake reports
        long budget = worst + actual / 2; // room for one worst case, not for a second after the first's actual cost
        String key = gw.gateway.accounts().createKeyWithLimits(gw.accountId, "agent",
                new LimitOverrides(null, null, null, budget), null).secret();
        assertThat(gw.post("/v1/chat/completions", big, key).statusCode()).isEqualTo(200);
        HttpResponse<String> over = gw.post("/v1/chat/completions", big, key);
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(error(over).path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(error(over).path("message").asText()).contains("API key",
                dev.tollgate.metering.Cost.toCredits(budget) + " credits per month", "2026-02-01T00:00:00Z");
        assertThat(over.headers().firstValue("retry-after")).contains("3600");
        assertThat(gw.post("/v1/chat/completions", big, gw.key).statusCode()).as("the account's own budget has room")
                .isEqualTo(200);
        JsonNode usage = JSON.readTree(gw.get("/v1/usage", key).body());
        assertThat(usage.path("key").path("spend").path("used").decimalValue())
                .isEqualByComparingTo(dev.tollgate.metering.Cost.toCreditsDecimal(actual));
        assertThat(usage.path("spend").path("used").decimalValue())
                .isEqualByComparingTo(dev.tollgate.metering.Cost.toCreditsDecimal(2 * actual));
        assertThat(usage.path("spend").path("limit").decimalValue()).isEqualByComparingTo("5");
    }

    @Test
    void plansAreListed() throws Exception {
        JsonNode plans = JSON.readTree(gw.get("/v1/plans", gw.key).body()).path("data");
        assertThat(plans).hasSize(2);
        JsonNode free = plans.get(0);
        assertThat(free.path("name").asText()).isEqualTo("free");
        assertThat(free.path("description").asText()).isEqualTo("Try it out");
        assertThat(free.path("price").asText()).isEqualTo("$0");
        assertThat(free.path("monthly").path("messages").asLong()).isEqualTo(2);
        assertThat(free.path("models").toString()).isEqualTo("[\"small\",\"painter\"]");
        assertThat(free.path("features").path("images").asBoolean()).isFalse();
        assertThat(free.path("rpm").isNull()).isTrue();
        assertThat(plans.get(1).path("price").asText()).isEqualTo("20");
        assertThat(plans.get(1).path("monthly_budget").decimalValue()).isEqualByComparingTo("5");
        assertThat(plans.get(1).path("models").isNull()).isTrue();
    }
}
