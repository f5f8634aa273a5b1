package dev.tollgate.limits.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Builds {@link Alerts} with test tuning, and waits on the store with a deadline instead of sleeping. */
final class AlertsHarness {
    /** A sweep every 100 ms: a lost wake-up would still be found quickly, and a test would not hang. */
    static final Alerts.Tuning FAST = new Alerts.Tuning(1_000, 100_000, 100, 8);
    private static final long DEADLINE_MS = 8_000;

    private AlertsHarness() {}

    static TollgateConfig.Alerts noWebhook() {
        return TollgateConfig.Alerts.DEFAULTS;
    }

    static TollgateConfig.Alerts webhook(String url, int maxAttempts, long backoffMs) {
        return new TollgateConfig.Alerts(TollgateConfig.Alerts.DEFAULT_THRESHOLDS, url, WebhookReceiver.SECRET,
                maxAttempts, backoffMs, 2_000);
    }

    static Alerts start(TollgateConfig.Alerts config, Database db, Clock clock, MeterRegistry metrics) {
        return new Alerts(config, db, clock, metrics, FAST);
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("timed out waiting for " + what).isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every recorded alert, newest first. */
    static List<Alert> all(Alerts alerts) {
        return alerts.page(1_000, null).data();
    }

    /**
     * Waits until everything observed before this call is recorded: a sentinel crossing observed last
     * goes through the same FIFO queue and single recorder, so once it is in, so is all before it.
     */
    static List<Alert> settled(Alerts alerts) {
        String sentinel = "sentinel-" + System.nanoTime();
        alerts.observe("test", sentinel, "n", 1, 1, "0000-00", List.of(100));
        await("the sentinel alert", () -> all(alerts).stream().anyMatch(a -> a.subject().equals(sentinel)));
        return all(alerts).stream().filter(a -> !a.scope().equals("test")).toList();
    }
}
