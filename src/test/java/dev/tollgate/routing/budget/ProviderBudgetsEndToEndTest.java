package dev.tollgate.routing.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets counted from real settled charges: every fake answer uses 12 + 3 = 15 tokens, and
 * provider {@code metered} has 60 a month with warn at 50 %, switch at 75 %: 15 ok, 30 warning,
 * 45 switching, 60 exhausted. The clock crosses midnight on the 1st.
 */
class ProviderBudgetsEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant JAN_31_LATE = Instant.parse("2027-01-31T23:58:00Z");
    static final Instant FEB_1_EARLY = Instant.parse("2027-02-01T00:00:01Z");

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;
    final TestClock clock = new TestClock(JAN_31_LATE);

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, """
                routing:
                  budgets: { warn_at: 0.5, switch_at: 0.75 }
                providers:
                  - { name: metered, type: openai, base_url: "${UPSTREAM}", api_key: sk-a-1234567890, monthly_token_budget: 60 }
                  - { name: spare, type: openai, base_url: "${UPSTREAM}", api_key: sk-b-1234567890, monthly_usd_budget: 5 }
                models:
                  - { name: first, provider: metered, upstream: ok, price: { input: 1, output: 2 } }
                  - { name: second, provider: spare, upstream: ok, price: { input: 1, output: 2 } }
                aliases:
                  both: [first, second]
                """, upstream.baseUrl(), clock);
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    String provider(String model) {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat(model, false), gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res.headers().firstValue("x-tollgate-provider").orElseThrow();
    }

    JsonNode providers() throws Exception {
        HttpResponse<String> res = gw.get("/admin/providers", TestGateway.ADMIN_TOKEN);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    JsonNode metered() throws Exception {
        return providers().path("data").get(0);
    }

    @Test
    void warnSwitchExhaustThenTheNewMonthStartsAtZero() throws Exception {
        assertThat(provider("both")).isEqualTo("metered");
        assertThat(metered().path("state").asText()).isEqualTo("ok");
        assertThat(provider("both")).isEqualTo("metered");
        assertThat(metered().path("state").asText()).isEqualTo("warning");
        assertThat(provider("both")).isEqualTo("metered"); // warning changes nothing
        assertThat(metered().path("state").asText()).isEqualTo("switching");
        assertThat(metered().path("tokens_used").asLong()).isEqualTo(45);

        assertThat(provider("both")).isEqualTo("spare"); // switching: metered moved behind spare
        assertThat(provider("first")).isEqualTo("metered"); // alone, it is still tried
        assertThat(metered().path("state").asText()).isEqualTo("exhausted");
        assertThat(metered().path("percent_used").decimalValue()).isEqualByComparingTo("100");

        HttpResponse<String> refused = gw.post("/v1/chat/completions", TestGateway.chat("first", false), gw.key);
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(error.path("message").asText()).contains("metered");
        assertThat(refused.headers().firstValue("retry-after")).contains("120"); // two minutes to February
        assertThat(provider("both")).isEqualTo("spare");
        int calls = upstream.requests.size();

        clock.set(FEB_1_EARLY);
        assertThat(provider("both")).isEqualTo("metered");
        assertThat(upstream.requests).hasSize(calls + 1);
        JsonNode feb = metered();
        assertThat(feb.path("month").asText()).isEqualTo("2027-02");
        assertThat(feb.path("tokens_used").asLong()).isEqualTo(15);
        assertThat(feb.path("state").asText()).isEqualTo("ok");
    }

    @Test
    void theLedgerIsTheSourceOfTruthForAnotherReplica() {
        for (int i = 0; i < 3; i++) provider("first");
        // a second replica on the same store, starting later, sees the month from the charge rows
        TestClock other = new TestClock(JAN_31_LATE.plusSeconds(30));
        ProviderBudgets replica = new ProviderBudgets(gw.gateway.config(), gw.gateway.ledger()::providerUsage, other,
                new SimpleMeterRegistry());
        assertThat(replica.state("metered")).isEqualTo(BudgetState.SWITCHING);
        BudgetStatus s = replica.statuses(false).get(0);
        assertThat(s.tokens()).isEqualTo(45);
        assertThat(s.usd()).isEqualByComparingTo("0.000054"); // 3 × (12 × $1 + 3 × $2) per 1M
        other.set(FEB_1_EARLY);
        assertThat(replica.state("metered")).isEqualTo(BudgetState.OK);
        assertThat(replica.statuses(false).get(0).tokens()).isZero();
    }

    @Test
    void adminProvidersListsEveryProviderAndNeedsTheAdminToken() throws Exception {
        provider("second");
        JsonNode body = providers();
        assertThat(body.path("data")).hasSize(2);
        JsonNode spare = body.path("data").get(1);
        assertThat(spare.path("name").asText()).isEqualTo("spare");
        assertThat(spare.path("type").asText()).isEqualTo("openai");
        assertThat(spare.path("month").asText()).isEqualTo("2027-01");
        assertThat(spare.path("tokens_used").asLong()).isEqualTo(15);
        assertThat(spare.path("usd_used").decimalValue()).isEqualByComparingTo("0.000018");
        assertThat(spare.path("monthly_token_budget").isNull()).isTrue();
        assertThat(spare.path("monthly_usd_budget").decimalValue()).isEqualByComparingTo("5");
        assertThat(spare.path("percent_used").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(spare.path("state").asText()).isEqualTo("ok");
        assertThat(spare.path("health").isObject()).isTrue();
        JsonNode metered = body.path("data").get(0);
        assertThat(metered.path("monthly_token_budget").asLong()).isEqualTo(60);
        assertThat(metered.path("monthly_usd_budget").isNull()).isTrue();

        assertThat(gw.get("/admin/providers", null).statusCode()).isEqualTo(401);
        assertThat(gw.get("/admin/providers", gw.key).statusCode()).isEqualTo(401);
    }
}
