package dev.tollgate.limits.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tollgate.account.Accounts;
import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threshold arithmetic and fire-once, on a real SQLite store, without a webhook. */
class AlertsTest {
    static final Instant NOV_30_LATE = Instant.parse("2026-11-30T23:59:58Z");
    static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;
    Database db;
    final TestClock clock = new TestClock(NOV_30_LATE);
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    Alerts alerts;

    @BeforeEach
    void open() {
        db = TestDatabases.sqlite(dir);
        alerts = AlertsHarness.start(AlertsHarness.noWebhook(), db, clock, metrics);
    }

    @AfterEach
    void close() {
        alerts.close();
        db.close();
    }

    void spend(long micros) {
        alerts.observe("account", "acct_1", "spend_micros", micros, 1_000_000, "2026-11", null);
    }

    @Test
    void eachThresholdFiresExactlyAtItsPercentAndOnce() {
        spend(799_999);
        assertThat(AlertsHarness.settled(alerts)).isEmpty();
        spend(800_000); // exactly 80 %
        assertThat(AlertsHarness.settled(alerts)).extracting(Alert::threshold).containsExactly(80);
        spend(949_999);
        spend(820_000);
        assertThat(AlertsHarness.settled(alerts)).extracting(Alert::threshold).containsExactly(80);
        spend(950_000);
        spend(1_000_000);
        spend(1_000_000);
        spend(5_000_000);
        List<Alert> fired = AlertsHarness.settled(alerts);
        assertThat(fired).extracting(Alert::threshold).containsExactlyInAnyOrder(80, 95, 100);
        Alert at80 = fired.stream().filter(a -> a.threshold() == 80).findFirst().orElseThrow();
        assertThat(at80).extracting(Alert::scope, Alert::subject, Alert::metric, Alert::value, Alert::limit,
                Alert::period, Alert::deliveryStatus, Alert::attempts)
                .containsExactly("account", "acct_1", "spend_micros", 800_000L, 1_000_000L, "2026-11", "none", 0);
        assertThat(at80.id()).startsWith("alrt_");
        assertThat(at80.createdAtMs()).isEqualTo(NOV_30_LATE.toEpochMilli());
        assertThat(metrics.counter("tollgate.alerts.fired", "scope", "account").count()).isEqualTo(3);
    }

    @Test
    void aJumpFromHalfToFullFiresEveryThresholdOnce() {
        spend(500_000);
        spend(1_000_000);
        spend(1_000_000);
        List<Alert> fired = AlertsHarness.settled(alerts);
        assertThat(fired).extracting(Alert::threshold, Alert::value).containsExactlyInAnyOrder(
                tuple(80, 1_000_000L), tuple(95, 1_000_000L), tuple(100, 1_000_000L));
    }

    @Test
    void thresholdsPerObservationOverrideTheConfigAndNoLimitMeansNoAlert() {
        alerts.observe("key", "key_1", "messages", 50, 100, "2026-11", List.of(50));
        alerts.observe("key", "key_2", "messages", 99, 100, "2026-11", List.of());
        alerts.observe("key", "key_3", "messages", 1_000, 0, "2026-11", null); // 0: unlimited
        alerts.observe("key", "key_4", "messages", 1_000, -1, "2026-11", null);
        alerts.observe("key", "key_5", "messages", Long.MAX_VALUE, Long.MAX_VALUE, "2026-11", List.of(100)); // no overflow
        alerts.observe("key", "key_6", "messages", Long.MAX_VALUE - 1, Long.MAX_VALUE, "2026-11", List.of(100));
        assertThat(AlertsHarness.settled(alerts)).extracting(Alert::subject, Alert::threshold)
                .containsExactlyInAnyOrder(tuple("key_1", 50), tuple("key_5", 100));
    }

    @Test
    void aNewMonthReArmsEveryThreshold() {
        alerts.observe("account", "acct_1", "tokens", 90, 100, alerts.currentPeriod(), null);
        clock.advance(Duration.ofSeconds(1));
        alerts.observe("account", "acct_1", "tokens", 95, 100, alerts.currentPeriod(), null);
        clock.set(DEC_1); // 00:00:00 UTC on the 1st: a new period
        assertThat(alerts.currentPeriod()).isEqualTo("2026-12");
        alerts.observe("account", "acct_1", "tokens", 80, 100, alerts.currentPeriod(), null);
        assertThat(AlertsHarness.settled(alerts)).extracting(Alert::period, Alert::threshold, Alert::createdAtMs)
                .containsExactlyInAnyOrder(
                        tuple("2026-11", 80, NOV_30_LATE.toEpochMilli()),
                        tuple("2026-11", 95, NOV_30_LATE.plusSeconds(1).toEpochMilli()),
                        tuple("2026-12", 80, DEC_1.toEpochMilli()));
    }

    @Test
    void aRestartedReplicaDoesNotFireAgain() {
        spend(800_000);
        assertThat(AlertsHarness.settled(alerts)).hasSize(1);
        alerts.close();
        SimpleMeterRegistry fresh = new SimpleMeterRegistry();
        alerts = AlertsHarness.start(AlertsHarness.noWebhook(), db, clock, fresh);
        spend(800_000);
        assertThat(AlertsHarness.settled(alerts)).hasSize(1);
        assertThat(fresh.counter("tollgate.alerts.fired", "scope", "account").count()).isZero();
    }

    @Test
    void forAccountListsTheAccountAndItsKeysOfOnePeriod() {
        Accounts accounts = new Accounts(db, clock, Duration.ZERO);
        String acct = accounts.create("acme", null).id();
        String key = accounts.createKey(acct, "ci", null, null).id();
        String other = accounts.create("other", null).id();
        String otherKey = accounts.createKey(other, "ci", null, null).id();
        alerts.observe("account", acct, "spend_micros", 80, 100, "2026-11", null);
        clock.advance(Duration.ofMillis(5));
        alerts.observe("key", key, "messages", 95, 100, "2026-11", List.of(95));
        alerts.observe("account", acct, "spend_micros", 80, 100, "2026-10", null); // another period
        alerts.observe("account", other, "spend_micros", 80, 100, "2026-11", null);
        alerts.observe("key", otherKey, "messages", 95, 100, "2026-11", null);
        alerts.observe("provider", acct, "tokens", 95, 100, "2026-11", null); // not an account scope
        assertThat(AlertsHarness.settled(alerts)).hasSize(8);
        List<Alert> mine = alerts.forAccount(acct, "2026-11");
        assertThat(mine).extracting(Alert::scope, Alert::subject, Alert::threshold)
                .containsExactly(tuple("key", key, 95), tuple("account", acct, 80)); // newest first
        assertThat(AlertJson.list(mine).get(0).path("delivery").path("status").asText()).isEqualTo("none");
    }

    @Test
    void aFullQueueDropsAndCountsAndTheNextObservationOffersAgain() {
        alerts.close();
        // a one-slot queue: 60 crossings offered back to back outrun a recorder that commits each one
        alerts = new Alerts(AlertsHarness.noWebhook(), db, clock, metrics, new Alerts.Tuning(1, 100_000, 100, 1));
        for (int i = 0; i < 60; i++) alerts.observe("key", "k" + i, "messages", 1, 1, "2026-11", List.of(100));
        double dropped = metrics.counter("tollgate.alerts.dropped").count();
        assertThat(dropped).as("60 crossings into a one-slot queue").isPositive();
        for (int i = 0; i < 60; i++) {
            int n = i;
            AlertsHarness.await("k" + n, () -> {
                alerts.observe("key", "k" + n, "messages", 1, 1, "2026-11", List.of(100));
                return AlertsHarness.all(alerts).stream().anyMatch(a -> a.subject().equals("k" + n));
            });
        }
        assertThat(AlertsHarness.all(alerts)).hasSize(60);
    }
}
