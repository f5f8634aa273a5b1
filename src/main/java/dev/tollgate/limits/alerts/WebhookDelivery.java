package dev.tollgate.limits.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends pending alerts to the webhook, off the request path: one scheduler (a virtual thread) finds
 * due rows, takes each one's lease with a conditional UPDATE (so of several replicas exactly one sends
 * it) and hands it to a virtual thread for one attempt; at most {@code inFlightMax} attempts at once.
 * A failed attempt (non-2xx, connection error, timeout) is written back as pending with its next time,
 * {@code backoffMs × 2^(attempt-1)} later, until {@code maxAttempts} have failed: then {@code failed}.
 *
 * <p>The scheduler wakes when an alert is recorded here, when a retry of its own is due, and every
 * {@code sweepMs} to pick up rows of a replica that died holding them (its lease expired). Lease and
 * retry times are wall-clock: every replica must compare them with the same time, whatever clock the
 * business logic runs on. A lease outlives an attempt's timeout by a margin; only a replica stalled
 * past it could let a second one send the same alert — receivers deduplicate on {@code webhook-id}.
 */
final class WebhookDelivery implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookDelivery.class.getName());
    private static final int SWEEP_BATCH_MAX = 50;
    private static final long BACKOFF_MS_MAX = 3_600_000;
    private static final long LEASE_MARGIN_MS = 10_000;
    private static final long CLOSE_WAIT_MS_MAX = 10_000;

    private final AlertStore store;
    private final URI url;
    private final byte[] key;
    private final int maxAttempts;
    private final long backoffMs;
    private final Duration timeout;
    private final long sweepMs;
    private final long leaseMs;
    private final int inFlightMax;
    private final Clock wallClock = Clock.systemUTC();
    private final String owner = "r_" + randomHex();
    private final HttpClient http;
    private final Semaphore inFlight;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    /** Guarded by {@code lock}: when own retries fall due; {@code woken}: an event since the last sweep. */
    private final PriorityQueue<Long> retryAtMs = new PriorityQueue<>();
    private boolean woken = true;
    private volatile boolean closed;
    private final Thread scheduler;
    private final Counter attemptsOk;
    private final Counter attemptsFailed;
    private final Counter delivered;
    private final Counter gaveUp;

    WebhookDelivery(AlertStore store, String url, String secret, int maxAttempts, long backoffMs, long timeoutMs,
                    long sweepMs, int inFlightMax, MeterRegistry metrics) {
        this.store = store;
        this.url = URI.create(url);
        this.key = WebhookSignature.keyBytes(secret);
        this.maxAttempts = maxAttempts;
        this.backoffMs = backoffMs;
        this.timeout = Duration.ofMillis(timeoutMs);
        this.sweepMs = sweepMs;
        this.leaseMs = timeoutMs + LEASE_MARGIN_MS;
        this.inFlightMax = inFlightMax;
        this.inFlight = new Semaphore(inFlightMax);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.attemptsOk = attempts(metrics, "ok");
        this.attemptsFailed = attempts(metrics, "error");
        this.delivered = deliveries(metrics, "delivered");
        this.gaveUp = deliveries(metrics, "failed");
        this.scheduler = Thread.ofVirtual().name("tollgate-alert-webhooks").start(this::run);
    }

    private static String randomHex() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Counter attempts(MeterRegistry metrics, String result) {
        return Counter.builder("tollgate.alerts.webhook.attempts").description("Webhook delivery attempts, by result")
                .tag("result", result).register(metrics);
    }

    private static Counter deliveries(MeterRegistry metrics, String outcome) {
        return Counter.builder("tollgate.alerts.webhook.deliveries")
                .description("Alerts whose delivery ended: delivered, or failed after every attempt")
                .tag("outcome", outcome).register(metrics);
    }

    /** When a new pending alert was recorded here: look now instead of at the next sweep. */
    void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!closed) {
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "alert webhook sweep failed; trying again in " + sweepMs + " ms: " + e.getMessage());
            }
            try {
                awaitNextSweep();
            } catch (InterruptedException e) {
                return; // close()
            }
        }
    }

    /** Claims what is due (as far as attempt slots allow) and starts one attempt per claimed row. */
    void sweep() {
        long nowMs = wallClock.millis();
        List<String> due = store.due(nowMs, Math.max(1, inFlight.availablePermits()));
        for (String id : due) {
            if (closed || !inFlight.tryAcquire()) return;
            boolean claimed = false;
            try {
                claimed = store.claim(id, owner, nowMs, nowMs + leaseMs);
            } finally {
                if (!claimed) inFlight.release();
            }
            if (claimed) {
                Thread.ofVirtual().name("tollgate-alert-webhook-" + id).start(() -> {
                    try {
                        attempt(id);
                    } finally {
                        inFlight.release();
                        wake(); // a slot is free: rows left behind by a full sweep can go now
                    }
                });
            }
        }
    }

    private void awaitNextSweep() throws InterruptedException {
        lock.lock();
        try {
            long sweepAtMs = wallClock.millis() + sweepMs;
            while (!closed) {
                long nowMs = wallClock.millis();
                while (!retryAtMs.isEmpty() && retryAtMs.peek() <= nowMs) {
                    retryAtMs.poll();
                    woken = true;
                }
                if (woken || nowMs >= sweepAtMs) {
                    woken = false;
                    return;
                }
                long untilMs = retryAtMs.isEmpty() ? sweepAtMs : Math.min(sweepAtMs, retryAtMs.peek());
                wakeUp.await(untilMs - nowMs, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** One attempt of a claimed row; never throws (a store failure leaves the lease to expire). */
    private void attempt(String id) {
        try {
            Optional<Alert> found = store.find(id);
            if (found.isEmpty()) return;
            Alert a = found.get();
            String error = post(a);
            record(a, error);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "alert " + id + ": cannot record a webhook attempt; the lease expires and it is"
                    + " tried again: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the lease expires, another replica (or restart) sends it
        }
    }

    /** Null when the receiver answered 2xx; else what went wrong (never the URL, which may carry a token). */
    private String post(Alert a) throws InterruptedException {
        byte[] body = body(a);
        long timestampSeconds = wallClock.millis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("content-type", "application/json")
                .header("user-agent", "Tollgate-Webhooks/1")
                .header("webhook-id", a.id())
                .header("webhook-timestamp", Long.toString(timestampSeconds))
                .header("webhook-signature", WebhookSignature.sign(key, a.id(), timestampSeconds, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    /** {@code {"type":"threshold.crossed","timestamp":ISO-8601,"data":{…the alert…}}}, the same bytes every attempt. */
    static byte[] body(Alert a) {
        ObjectNode out = Json.object().put("type", "threshold.crossed");
        out.put("timestamp", Instant.ofEpochMilli(a.createdAtMs()).toString());
        out.set("data", AlertJson.fields(a));
        return Json.bytes(out);
    }

    private void record(Alert a, String error) {
        int attempt = a.attempts() + 1;
        long nowMs = wallClock.millis();
        if (error == null) {
            attemptsOk.increment();
            if (store.finishAttempt(a.id(), owner, Alert.DELIVERED, null, nowMs, null)) delivered.increment();
            return;
        }
        attemptsFailed.increment();
        if (attempt >= maxAttempts) {
            if (store.finishAttempt(a.id(), owner, Alert.FAILED, null, null, error)) gaveUp.increment();
            LOG.warning("alert " + a.id() + ": webhook failed " + attempt + " times, giving up (last: " + error + ")");
            return;
        }
        long retryAt = nowMs + backoffMs(attempt);
        store.finishAttempt(a.id(), owner, Alert.PENDING, retryAt, null, error);
        LOG.info("alert " + a.id() + ": webhook attempt " + attempt + " failed (" + error + "); next in "
                + (retryAt - nowMs) + " ms");
        lock.lock();
        try {
            retryAtMs.add(retryAt);
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Before attempt {@code n + 1}: {@code backoffMs × 2^(n-1)}, capped at an hour. */
    long backoffMs(int failedAttempts) {
        int doublings = Math.min(failedAttempts - 1, 30);
        return Math.min(BACKOFF_MS_MAX, backoffMs << doublings);
    }

    /** Stops sweeping and waits (bounded) for attempts under way, so their outcome is recorded. */
    @Override
    public void close() {
        closed = true;
        scheduler.interrupt();
        try {
            scheduler.join(CLOSE_WAIT_MS_MAX);
            long waitMs = Math.min(CLOSE_WAIT_MS_MAX, timeout.toMillis() + 1_000);
            if (inFlight.tryAcquire(inFlightMax, waitMs, TimeUnit.MILLISECONDS)) inFlight.release(inFlightMax);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
