package dev.tollgate.limits.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas (two {@link Alerts}, each on its own connection pool) on one PostgreSQL schema, both
 * configured with the same webhook: 50 concurrent observations crossing 80 % make one record and
 * one delivery, and only one replica can hold a delivery's lease at a time.
 */
class AlertOnceAcrossReplicasTest {
    static final int OBSERVERS = 50;

    String url;
    Database dbA;
    Database dbB;
    final SimpleMeterRegistry metricsA = new SimpleMeterRegistry();
    final SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
    WebhookReceiver receiver;
    Alerts a;
    Alerts b;

    @BeforeEach
    void open() throws Exception {
        url = TestDatabases.postgresUrl();
        dbA = Database.open(url);
        dbB = Database.open(url);
        receiver = new WebhookReceiver();
        a = AlertsHarness.start(AlertsHarness.webhook(receiver.url(), 5, 50), dbA, Clock.systemUTC(), metricsA);
        b = AlertsHarness.start(AlertsHarness.webhook(receiver.url(), 5, 50), dbB, Clock.systemUTC(), metricsB);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
        receiver.close();
        dbA.close();
        dbB.close();
    }

    @Test
    void fiftyConcurrentCrossingsOnTwoReplicasFireOnceAndDeliverOnce() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(OBSERVERS);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < OBSERVERS; i++) {
            Alerts replica = i % 2 == 0 ? a : b;
            long spent = 800_000 + i * 1_000L; // 80.0 % .. 84.9 %: every one crosses 80 and none 95
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    replica.observe("account", "acct_1", "spend_micros", spent, 1_000_000, "2026-11", null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }));
        }
        go.countDown();
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();

        AlertsHarness.await("the alert delivered", () -> {
            List<Alert> all = AlertsHarness.all(a);
            return all.size() == 1 && all.get(0).deliveryStatus().equals(Alert.DELIVERED);
        });
        // both replicas have recorded what they were given (sentinels), and both sweep once more
        AlertsHarness.settled(a);
        AlertsHarness.settled(b);
        a.sweepDeliveries();
        b.sweepDeliveries();

        List<Alert> fired = AlertsHarness.settled(a);
        assertThat(fired).hasSize(1);
        Alert alert = fired.get(0);
        assertThat(alert.threshold()).isEqualTo(80);
        assertThat(alert.attempts()).isEqualTo(1);
        List<WebhookReceiver.Delivery> deliveries = receiver.deliveries.stream()
                .filter(d -> d.id().equals(alert.id())).toList();
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).signatureValid()).isTrue();
        double firedA = metricsA.counter("tollgate.alerts.fired", "scope", "account").count();
        double firedB = metricsB.counter("tollgate.alerts.fired", "scope", "account").count();
        assertThat(firedA + firedB).as("exactly one replica's INSERT went in").isEqualTo(1);
        assertThat(metricsA.counter("tollgate.alerts.dropped").count() + metricsB.counter("tollgate.alerts.dropped").count())
                .isZero();
    }

    @Test
    void aDeliveryLeaseIsHeldByOneReplicaUntilItExpires() {
        // a schema of its own: the running replicas above would deliver this row themselves
        String own = TestDatabases.postgresUrl();
        try (Database rawA = Database.open(own); Database rawB = Database.open(own)) {
            leaseRace(new AlertStore(rawA), new AlertStore(rawB));
        }
    }

    void leaseRace(AlertStore storeA, AlertStore storeB) {
        Alert pending = new Alert("alrt_lease_test", "key", "key_1", "messages", 100, 5, 5, "2026-11", 1_000,
                Alert.PENDING, 0);
        assertThat(storeA.insertIfAbsent(pending, 1_000L)).isTrue();
        assertThat(storeB.insertIfAbsent(pending, 1_000L)).as("the same row again").isFalse();

        assertThat(storeA.claim(pending.id(), "replica-a", 2_000, 12_000)).isTrue();
        assertThat(storeB.claim(pending.id(), "replica-b", 2_001, 12_001)).as("A holds it").isFalse();
        assertThat(storeB.claim(pending.id(), "replica-b", 11_999, 21_999)).as("A's lease still runs").isFalse();
        assertThat(storeB.claim(pending.id(), "replica-b", 12_001, 22_001)).as("expired: B takes over").isTrue();
        assertThat(storeA.finishAttempt(pending.id(), "replica-a", Alert.DELIVERED, null, 12_002L, null))
                .as("A lost its lease: its outcome is not written over B's").isFalse();
        assertThat(storeB.finishAttempt(pending.id(), "replica-b", Alert.DELIVERED, null, 12_003L, null)).isTrue();
        assertThat(storeA.claim(pending.id(), "replica-a", 99_999, 109_999)).as("delivered: never again").isFalse();
        assertThat(storeA.find(pending.id()).orElseThrow().attempts()).isEqualTo(1);
    }
}
