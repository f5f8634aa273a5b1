package dev.tollgate.limits.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed webhook deliveries to a real loopback receiver that verifies them itself; retries and give-up. */
class WebhookDeliveryTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Database db;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    WebhookReceiver receiver;
    Alerts alerts;

    @BeforeEach
    void open() {
        db = TestDatabases.sqlite(dir);
    }

    @AfterEach
    void close() {
        if (alerts != null) alerts.close();
        if (receiver != null) receiver.close();
        db.close();
    }

    Alert onlyAlertOnceItIs(String status) {
        AlertsHarness.await("an alert " + status, () -> {
            List<Alert> all = AlertsHarness.all(alerts);
            return all.size() == 1 && all.get(0).deliveryStatus().equals(status);
        });
        return AlertsHarness.all(alerts).get(0);
    }

    List<WebhookReceiver.Delivery> deliveriesOf(Alert a) {
        return receiver.deliveries.stream().filter(d -> a.id().equals(d.id())).toList();
    }

    @Test
    void theSpecsTestVectorSigns() {
        // standard-webhooks/standard-webhooks, libraries' shared example
        byte[] key = WebhookSignature.keyBytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(WebhookSignature.sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void anAlertIsPostedOnceSignedAndTheReceiverVerifiesIt() throws Exception {
        receiver = new WebhookReceiver();
        alerts = AlertsHarness.start(AlertsHarness.webhook(receiver.url(), 5, 50), db, Clock.systemUTC(), metrics);
        alerts.observe("account", "acct_1", "spend_micros", 820_000, 1_000_000, "2026-11", null);

        Alert a = onlyAlertOnceItIs(Alert.DELIVERED);
        assertThat(a.attempts()).isEqualTo(1);
        assertThat(receiver.deliveries).hasSize(1);
        WebhookReceiver.Delivery d = receiver.deliveries.get(0);
        assertThat(d.signatureValid()).as("signature verified by the receiver").isTrue();
        assertThat(d.id()).isEqualTo(a.id());
        assertThat(d.signature()).startsWith("v1,");
        JsonNode body = JSON.readTree(d.body());
        assertThat(body.path("type").asText()).isEqualTo("threshold.crossed");
        assertThat(body.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode data = body.path("data");
        assertThat(data.path("id").asText()).isEqualTo(a.id());
        assertThat(data.path("scope").asText()).isEqualTo("account");
        assertThat(data.path("subject").asText()).isEqualTo("acct_1");
        assertThat(data.path("metric").asText()).isEqualTo("spend_micros");
        assertThat(data.path("threshold").asInt()).isEqualTo(80);
        assertThat(data.path("value").asLong()).isEqualTo(820_000);
        assertThat(data.path("limit").asLong()).isEqualTo(1_000_000);
        assertThat(data.path("period").asText()).isEqualTo("2026-11");
        assertThat(data.path("created_at").asLong()).isEqualTo(a.createdAtMs() / 1000);
        assertThat(d.body()).doesNotContain(WebhookReceiver.SECRET.substring(6));

        // a tampered body, another id or another secret fail the receiver's check: it is really checking
        assertThat(WebhookReceiver.verify(WebhookReceiver.SECRET, d.id(), d.timestamp(), d.signature(), d.body() + " ")).isFalse();
        assertThat(WebhookReceiver.verify(WebhookReceiver.SECRET, "alrt_other", d.timestamp(), d.signature(), d.body())).isFalse();
        assertThat(WebhookReceiver.verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", d.id(), d.timestamp(), d.signature(), d.body())).isFalse();

        alerts.sweepDeliveries(); // nothing is due any more
        assertThat(AlertsHarness.settled(alerts)).hasSize(1);
        assertThat(deliveriesOf(a)).hasSize(1); // (the sentinel of settled() is delivered too: count by id)
        // ours, and maybe already the sentinel's (delivered asynchronously, like every alert)
        assertThat(metrics.counter("tollgate.alerts.webhook.deliveries", "outcome", "delivered").count()).isBetween(1.0, 2.0);
    }

    @Test
    void a500IsRetriedWithTheSameIdAndBodyThenDelivered() {
        receiver = new WebhookReceiverOrFail(500).receiver;
        alerts = AlertsHarness.start(AlertsHarness.webhook(receiver.url(), 5, 50), db, Clock.systemUTC(), metrics);
        alerts.observe("key", "key_1", "messages", 95, 100, "2026-11", List.of(95));

        Alert a = onlyAlertOnceItIs(Alert.DELIVERED);
        assertThat(a.attempts()).isEqualTo(2);
        assertThat(receiver.deliveries).hasSize(2);
        assertThat(receiver.deliveries).allSatisfy(d -> {
            assertThat(d.signatureValid()).isTrue();
            assertThat(d.id()).isEqualTo(a.id());
        });
        assertThat(receiver.deliveries.get(1).body()).isEqualTo(receiver.deliveries.get(0).body());
        assertThat(metrics.counter("tollgate.alerts.webhook.attempts", "result", "error").count()).isEqualTo(1);
        assertThat(metrics.counter("tollgate.alerts.webhook.attempts", "result", "ok").count()).isEqualTo(1);
    }

    @Test
    void afterMaxAttemptsTheDeliveryIsFailed() {
        receiver = new WebhookReceiverOrFail(500, 503, 500, 200).receiver;
        alerts = AlertsHarness.start(AlertsHarness.webhook(receiver.url(), 3, 20), db, Clock.systemUTC(), metrics);
        alerts.observe("key", "key_1", "messages", 100, 100, "2026-11", List.of(100));

        Alert a = onlyAlertOnceItIs(Alert.FAILED);
        assertThat(a.attempts()).isEqualTo(3);
        alerts.sweepDeliveries(); // a failed alert is not due: no fourth attempt
        assertThat(AlertsHarness.settled(alerts)).hasSize(1);
        assertThat(deliveriesOf(a)).hasSize(3);
        assertThat(metrics.counter("tollgate.alerts.webhook.deliveries", "outcome", "failed").count()).isEqualTo(1);
    }

    @Test
    void anUnreachableReceiverIsRetriedThenFailed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        alerts = AlertsHarness.start(AlertsHarness.webhook("http://127.0.0.1:" + closedPort + "/hook", 2, 20), db,
                Clock.systemUTC(), metrics);
        alerts.observe("key", "key_1", "messages", 100, 100, "2026-11", List.of(100));
        assertThat(onlyAlertOnceItIs(Alert.FAILED).attempts()).isEqualTo(2);
    }

    @Test
    void rowsLeftPendingByADeadReplicaAreSentByTheSweep() {
        AlertStore store = new AlertStore(db);
        long nowMs = System.currentTimeMillis();
        // one recorded but never claimed, one claimed by a replica whose lease ran out mid-attempt
        Alert unclaimed = new Alert("alrt_orphan_1", "key", "key_1", "messages", 80, 8, 10, "2026-11", nowMs, Alert.PENDING, 0);
        Alert leased = new Alert("alrt_orphan_2", "key", "key_2", "messages", 80, 8, 10, "2026-11", nowMs, Alert.PENDING, 0);
        assertThat(store.insertIfAbsent(unclaimed, nowMs)).isTrue();
        assertThat(store.insertIfAbsent(leased, nowMs)).isTrue();
        assertThat(store.claim(leased.id(), "dead-replica", nowMs, nowMs + 1)).isTrue();

        receiver = new WebhookReceiverOrFail().receiver;
        alerts = AlertsHarness.start(AlertsHarness.webhook(receiver.url(), 5, 50), db, Clock.systemUTC(), metrics);
        AlertsHarness.await("both delivered", () -> AlertsHarness.all(alerts).stream()
                .allMatch(a -> a.deliveryStatus().equals(Alert.DELIVERED)));
        assertThat(receiver.deliveries).extracting(WebhookReceiver.Delivery::id)
                .containsExactlyInAnyOrder("alrt_orphan_1", "alrt_orphan_2");
    }

    @Test
    void backoffDoublesFromTheConfiguredBase() {
        receiver = new WebhookReceiverOrFail().receiver;
        WebhookDelivery d = new WebhookDelivery(new AlertStore(db), receiver.url(), WebhookReceiver.SECRET, 5, 2_000,
                1_000, 60_000, 1, metrics);
        try {
            assertThat(List.of(d.backoffMs(1), d.backoffMs(2), d.backoffMs(3), d.backoffMs(4)))
                    .containsExactly(2_000L, 4_000L, 8_000L, 16_000L); // the defaults: 5 attempts within 30 s + timeouts
        } finally {
            d.close();
        }
    }

    /** The receiver constructor throws IOException; this keeps the tests' bodies flat. */
    record WebhookReceiverOrFail(WebhookReceiver receiver) {
        WebhookReceiverOrFail(Integer... statuses) {
            this(open(statuses));
        }

        static WebhookReceiver open(Integer... statuses) {
            try {
                return new WebhookReceiver(statuses);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
