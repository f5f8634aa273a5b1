package dev.tollgate.limits.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server: provider budgets fire alerts from settled charges (and re-arm in a new month on
 * the injected clock), the webhook receives them signed, and {@code GET /admin/alerts} lists them.
 * Every fake answer uses 12 + 3 = 15 tokens costing 12 × $1 + 3 × $2 per 1M = 18 µUSD.
 */
class AlertsEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant JAN_31_LATE = Instant.parse("2027-01-31T23:58:00Z");
    static final Instant FEB_1 = Instant.parse("2027-02-01T00:00:00Z");

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    WebhookReceiver receiver;
    TestGateway gw;
    final TestClock clock = new TestClock(JAN_31_LATE);

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        receiver = new WebhookReceiver();
        gw = TestGateway.start(dir, """
                providers:
                  - { name: tokens20, type: openai, base_url: "${UPSTREAM}", api_key: sk-a-1234567890, monthly_token_budget: 20 }
                  - { name: usd20, type: openai, base_url: "${UPSTREAM}", api_key: sk-b-1234567890, monthly_usd_budget: 0.00002 }
                models:
                  - { name: by-tokens, provider: tokens20, upstream: ok, price: { input: 1, output: 2 } }
                  - { name: by-usd, provider: usd20, upstream: ok, price: { input: 1, output: 2 } }
                alerts:
                  thresholds: [80, 95, 100]
                  webhook_url: %s
                  webhook_secret: %s
                  backoff_ms: 20
                """.formatted(receiver.url(), WebhookReceiver.SECRET), upstream.baseUrl(), clock);
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
        receiver.close();
    }

    Alerts alerts() {
        return gw.gateway.alerts();
    }

    void chat(String model) {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat(model, false), gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    }

    List<Alert> providerAlerts() {
        return AlertsHarness.settled(alerts()).stream().filter(a -> a.scope().equals("provider")).toList();
    }

    @Test
    void providerBudgetsFireOncePerThresholdAndReArmInANewMonth() {
        chat("by-tokens"); // 15 of 20 tokens: 75 %
        assertThat(providerAlerts()).isEmpty();
        chat("by-tokens"); // 30 of 20: 150 % (the provider is exhausted now: routing refuses a third)
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("by-tokens", false), gw.key).statusCode()).isEqualTo(429);
        assertThat(providerAlerts()).extracting(Alert::subject, Alert::metric, Alert::threshold, Alert::value, Alert::limit, Alert::period)
                .containsExactlyInAnyOrder(
                        tuple("tokens20", "tokens", 80, 30L, 20L, "2027-01"),
                        tuple("tokens20", "tokens", 95, 30L, 20L, "2027-01"),
                        tuple("tokens20", "tokens", 100, 30L, 20L, "2027-01"));

        chat("by-usd"); // 18 of 20 µUSD: 90 %
        assertThat(providerAlerts()).filteredOn(a -> a.subject().equals("usd20"))
                .extracting(Alert::metric, Alert::threshold, Alert::value, Alert::limit)
                .containsExactly(tuple("spend_usd_micros", 80, 18L, 20L));

        clock.set(FEB_1); // midnight UTC on the 1st: every threshold is armed again
        chat("by-tokens");
        assertThat(providerAlerts()).filteredOn(a -> a.period().equals("2027-02")).isEmpty();
        chat("by-tokens");
        assertThat(providerAlerts()).filteredOn(a -> a.period().equals("2027-02"))
                .extracting(Alert::subject, Alert::threshold, Alert::createdAtMs)
                .containsExactlyInAnyOrder(tuple("tokens20", 80, FEB_1.toEpochMilli()),
                        tuple("tokens20", 95, FEB_1.toEpochMilli()), tuple("tokens20", 100, FEB_1.toEpochMilli()));

        List<Alert> all = providerAlerts();
        assertThat(all).hasSize(7);
        AlertsHarness.await("7 deliveries", () -> all.stream().allMatch(a ->
                receiver.deliveries.stream().anyMatch(d -> d.id().equals(a.id()))));
        // one snapshot: the test's sentinel alerts are still being delivered meanwhile (CI once compared a count taken
        // before two of them arrived with the size after)
        List<WebhookReceiver.Delivery> deliveries = List.copyOf(receiver.deliveries);
        assertThat(deliveries).allSatisfy(d -> assertThat(d.signatureValid()).isTrue());
        assertThat(deliveries.stream().map(WebhookReceiver.Delivery::id).distinct().count())
                .as("one delivery per alert").isEqualTo(deliveries.size());
        String metrics = gw.get("/metrics", null).body();
        assertThat(metrics).contains("tollgate_alerts_fired_total{scope=\"provider\"} 7.0")
                .contains("tollgate_alerts_dropped_total 0.0")
                .contains("tollgate_alerts_webhook_deliveries_total{outcome=\"failed\"} 0.0");
    }

    @Test
    void adminAlertsPagesNewestFirstAndNeedsTheAdminToken() throws Exception {
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            subjects.add("acct_" + i);
            alerts().observe("account", "acct_" + i, "spend_micros", 950_000, 1_000_000, "2027-01", List.of(95));
            clock.advance(Duration.ofSeconds(1));
        }
        AlertsHarness.await("5 alerts delivered", () -> AlertsHarness.all(alerts()).stream()
                .filter(a -> a.scope().equals("account") && a.deliveryStatus().equals(Alert.DELIVERED)).count() == 5);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> res = gw.get("/admin/alerts?limit=2" + (cursor == null ? "" : "&before=" + cursor),
                    TestGateway.ADMIN_TOKEN);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(res.body()).doesNotContain(WebhookReceiver.SECRET.substring(6));
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.path("data").size()).isBetween(1, 2);
            for (JsonNode a : body.path("data")) {
                if (a.path("scope").asText().equals("account")) seen.add(a.path("subject").asText());
            }
            cursor = body.path("next").isNull() ? null : body.path("next").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(subjects.reversed());

        JsonNode first = JSON.readTree(gw.get("/admin/alerts?limit=1", TestGateway.ADMIN_TOKEN).body());
        JsonNode a = first.path("data").get(0);
        List<String> fields = new ArrayList<>();
        a.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "scope", "subject", "metric", "threshold", "value", "limit", "period",
                "created_at", "delivery");
        assertThat(a.path("id").asText()).startsWith("alrt_");
        assertThat(a.path("subject").asText()).isEqualTo("acct_4");
        assertThat(a.path("threshold").asInt()).isEqualTo(95);
        assertThat(a.path("value").asLong()).isEqualTo(950_000);
        assertThat(a.path("limit").asLong()).isEqualTo(1_000_000);
        assertThat(a.path("period").asText()).isEqualTo("2027-01");
        assertThat(a.path("created_at").asLong()).isEqualTo(JAN_31_LATE.plusSeconds(4).getEpochSecond());
        assertThat(a.path("delivery").path("status").asText()).isEqualTo("delivered");
        assertThat(a.path("delivery").path("attempts").asInt()).isEqualTo(1);
        assertThat(first.path("next").isTextual()).isTrue();

        assertThat(gw.get("/admin/alerts", null).statusCode()).isEqualTo(401);
        assertThat(gw.get("/admin/alerts", gw.key).statusCode()).isEqualTo(401);
        HttpResponse<String> badCursor = gw.get("/admin/alerts?before=nonsense", TestGateway.ADMIN_TOKEN);
        assertThat(badCursor.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badCursor.body()).path("error").path("param").asText()).isEqualTo("before");
        assertThat(gw.get("/admin/alerts?limit=0", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        assertThat(gw.get("/admin/alerts?limit=101", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(400);
    }
}
