package dev.tollgate.limits.alerts;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Threshold alerts (docs/alerts.md). Callers report usage against a limit with {@link #observe}; every
 * threshold reached fires once per (scope, subject, metric, threshold, period) across all replicas.
 *
 * <p>The request path only does arithmetic and one map lookup: a key this replica has seen fire (or is
 * about to record) is skipped, a new one goes on a bounded queue (full: dropped and counted; the next
 * observation offers it again). One virtual thread records each crossing with an INSERT guarded by the
 * table's unique key, so of all replicas exactly one row goes in; the replica whose row went in hands it
 * to {@link WebhookDelivery}. The set of seen keys is cleared when it outgrows {@code firedKeysMax}: the
 * cost is one INSERT that conflicts per key, never a second alert.
 */
public final class Alerts implements AutoCloseable {
    /** Tuning that has no place in the YAML; tests shorten {@code sweepMs}. */
    record Tuning(int queueCapacity, int firedKeysMax, long sweepMs, int deliveriesInFlightMax) {
        static final Tuning DEFAULTS = new Tuning(10_000, 100_000, 10_000, 8);
    }

    private static final Logger LOG = Logger.getLogger(Alerts.class.getName());
    private static final long CLOSE_WAIT_MS_MAX = 5_000;

    private final TollgateConfig.Alerts config;
    private final AlertStore store;
    private final Clock clock;
    private final Tuning tuning;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<AlertKey, Boolean> seen = new ConcurrentHashMap<>();
    private final BlockingQueue<Crossing> queue;
    private final WebhookDelivery delivery;
    private final Thread recorder;
    private final Counter dropped;
    private final Counter storeFailures;
    private final Counter internalErrors;
    private volatile boolean closed;

    /** {@code atMs}: when it was observed, which dates the alert (not when the recorder got to it). */
    private record Crossing(AlertKey key, long value, long limit, long atMs) {}

    /** Wakes the recorder at close so it need not wait out its poll. */
    private static final Crossing CLOSING = new Crossing(null, 0, 0, 0);

    Alerts(TollgateConfig.Alerts config, Database db, Clock clock, MeterRegistry metrics, Tuning tuning) {
        this.config = config;
        this.store = new AlertStore(db);
        this.clock = clock;
        this.tuning = tuning;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(tuning.queueCapacity());
        this.dropped = Counter.builder("tollgate.alerts.dropped")
                .description("Threshold crossings not recorded because the alert queue was full").register(metrics);
        this.storeFailures = Counter.builder("tollgate.alerts.store.failures")
                .description("Threshold crossings whose INSERT failed (offered again on the next observation)")
                .register(metrics);
        this.internalErrors = Counter.builder("tollgate.alerts.internal.errors")
                .description("Unexpected exceptions inside Alerts.observe (swallowed: never fail a request)")
                .register(metrics);
        Gauge.builder("tollgate.alerts.queue.size", queue, BlockingQueue::size)
                .description("Threshold crossings waiting to be recorded").register(metrics);
        this.delivery = config.webhookUrl() == null ? null : new WebhookDelivery(store, config.webhookUrl(),
                config.webhookSecret(), config.maxAttempts(), config.backoffMs(), config.timeoutMs(),
                tuning.sweepMs(), tuning.deliveriesInFlightMax(), metrics);
        this.recorder = Thread.ofVirtual().name("tollgate-alerts").start(this::recordLoop);
    }

    /** Alerts on the store, with the config's thresholds and webhook; {@code clock} dates the alerts. */
    public static Alerts start(TollgateConfig.Alerts config, Database db, Clock clock, MeterRegistry metrics) {
        return new Alerts(config, db, clock, metrics, Tuning.DEFAULTS);
    }

    /**
     * Reports {@code value} of {@code limit} (same unit) for {@code (scope, subject, metric)} in
     * {@code period} ("2026-11"). Every threshold of {@code thresholdsOrNull} (percent 1..100; null:
     * the config's {@code alerts.thresholds}) reached and not yet fired for this key fires. A
     * non-positive limit means unlimited: nothing fires. Never blocks, never does I/O, never throws.
     */
    public void observe(String scope, String subject, String metric, long value, long limit, String period,
                        List<Integer> thresholdsOrNull) {
        try {
            List<Integer> thresholds = thresholdsOrNull != null ? thresholdsOrNull : config.thresholds();
            if (limit <= 0 || closed) return;
            for (int i = 0; i < thresholds.size(); i++) {
                Integer t = thresholds.get(i);
                if (t == null || t < 1 || t > 100 || !Thresholds.reached(value, limit, t)) continue;
                AlertKey key = new AlertKey(scope, subject, metric, t, period);
                if (seen.putIfAbsent(key, Boolean.TRUE) != null) continue;
                if (!queue.offer(new Crossing(key, value, limit, clock.millis()))) {
                    seen.remove(key);
                    dropped.increment();
                }
            }
        } catch (RuntimeException e) {
            internalErrors.increment();
            LOG.log(Level.WARNING, "Alerts.observe failed (the request goes on)", e);
        }
    }

    /**
     * The quota engine's listener shape, for wiring it with a lambda:
     * {@code (counter, used, limit, period) -> alerts.observed(counter.scope(), counter.subject(), counter.metric(), used, limit, period)}.
     * Uses the config's thresholds; pass a plan's through {@link #observe} instead.
     */
    public void observed(String scope, String subject, String metric, long used, long limit, YearMonth period) {
        observe(scope, subject, metric, used, limit, period.toString(), null);
    }

    /** The current calendar month in UTC on this instance's clock, as alerts name periods ("2026-11"). */
    public String currentPeriod() {
        return YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC)).toString();
    }

    /** {@code GET /admin/alerts}: newest first; IllegalArgumentException for a cursor this did not make. */
    public AlertPage page(int limit, String beforeCursor) {
        return store.page(limit, beforeCursor);
    }

    /** For {@code GET /v1/usage}: the account's own alerts and its keys' in {@code period}, newest first. */
    public List<Alert> forAccount(String accountId, String period) {
        return store.forAccount(accountId, period);
    }

    /** Tests: one delivery sweep now, on the caller's thread (claims and starts what is due). */
    void sweepDeliveries() {
        if (delivery != null) delivery.sweep();
    }

    private void recordLoop() {
        while (true) {
            Crossing c;
            try {
                c = queue.poll(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (c == null || c == CLOSING) {
                if (closed && queue.isEmpty()) return;
                continue;
            }
            record(c);
            if (seen.size() > tuning.firedKeysMax()) seen.clear();
        }
    }

    private void record(Crossing c) {
        AlertKey k = c.key();
        boolean webhook = delivery != null;
        Alert alert = new Alert(newId(), k.scope(), k.subject(), k.metric(), k.threshold(), c.value(), c.limit(),
                k.period(), c.atMs(), webhook ? Alert.PENDING : Alert.NONE, 0);
        boolean inserted;
        try {
            inserted = store.insertIfAbsent(alert, webhook ? System.currentTimeMillis() : null);
        } catch (RuntimeException e) {
            seen.remove(k); // not recorded: the next observation offers it again
            storeFailures.increment();
            LOG.log(Level.WARNING, "cannot record alert " + k + ": " + e.getMessage());
            return;
        }
        if (!inserted) return; // another replica (or an earlier run) fired it
        Counter.builder("tollgate.alerts.fired").description("Threshold alerts fired (recorded), by scope")
                .tag("scope", k.scope()).register(metrics).increment();
        LOG.info(String.format(java.util.Locale.ROOT, "alert %s: %s %s %s reached %d %% (%d of %d) in %s",
                alert.id(), k.scope(), k.subject(), k.metric(), k.threshold(), c.value(), c.limit(), k.period()));
        if (webhook) delivery.wake();
    }

    private static final SecureRandom IDS = new SecureRandom();

    private static String newId() {
        byte[] b = new byte[12];
        IDS.nextBytes(b);
        return "alrt_" + HexFormat.of().formatHex(b);
    }

    /** Records what is queued (bounded wait), then stops the webhook sender. */
    @Override
    public void close() {
        closed = true;
        queue.offer(CLOSING); // when full the recorder is busy, and sees `closed` once it has drained
        try {
            recorder.join(CLOSE_WAIT_MS_MAX);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (delivery != null) delivery.close();
    }
}
