package dev.tollgate.limits.stop;

import static dev.tollgate.limits.stop.StopFixture.JSON;
import static dev.tollgate.limits.stop.StopFixture.error;
import static dev.tollgate.limits.stop.StopFixture.release;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code routing.budgets.auto_stop_at}: a provider stop made once per month when its budget reaches the mark. */
class ProviderAutoStopTest {
    @TempDir
    Path dir;

    @Test
    void providerIsStoppedOnceAtTheConfiguredShareOfItsMonthlyBudget() throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi();
             TestGateway gw = TestGateway.start(dir, """
                     routing:
                       budgets: { auto_stop_at: 0.5 }
                     providers:
                       - { name: metered, type: openai, base_url: "${UPSTREAM}", api_key: sk-a-1234567890, monthly_token_budget: 60 }
                     models:
                       - { name: ok, provider: metered, price: { input: 1, output: 2 } }
                     """, upstream.baseUrl())) {
            // each answer is 15 tokens: the first leaves the provider at 25 %, the second at 50 %
            assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
            assertThat(gw.gateway.stops().checkAutomaticStops()).as("25 %% is below the mark").isZero();
            assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);

            // the poller makes the stop within a poll of the charge that reached the mark
            assertThat(Credits.eventually(Duration.ofSeconds(1), () -> !gw.gateway.stops().snapshot().active().isEmpty()))
                    .as("automatic stop within a second").isTrue();
            HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key);
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(error(res).path("code").asText()).isEqualTo("emergency_stop");
            assertThat(error(res).path("message").asText())
                    .contains("provider 'metered'").contains("automatic: provider metered at 50% of its monthly budget");
            JsonNode stops = JSON.readTree(gw.get("/admin/emergency-stop", TestGateway.ADMIN_TOKEN).body()).path("data");
            assertThat(stops).hasSize(1);
            assertThat(stops.get(0).path("origin").asText()).isEqualTo("automatic");
            assertThat(stops.get(0).path("subject").asText()).isEqualTo("metered");

            release(gw, stops.get(0).path("id").asText()); // the operator overrides it: it stays released this month
            assertThat(gw.gateway.stops().checkAutomaticStops()).isZero();
            assertThat(gw.gateway.stops().active()).isEmpty();
            assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
        }
    }
}
