package dev.tollgate.limits.quota;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries settled usage to {@code quota_usage} off the request path: settles add deltas to a map
 * (one entry per counter and month, so a busy counter costs one row write per flush, not one per
 * request) and a daemon thread writes the map in one transaction every {@code flushIntervalMs}.
 *
 * <p>What a crash can lose: the deltas of the last {@code flushIntervalMs} (the live counters had
 * them, the table not). The table can only be <em>short</em>, never ahead, so a counter re-seeded
 * from it after a crash or a Redis restart under-counts by at most one batch. A failed flush keeps
 * its deltas for the next one. Bounded: when {@code pendingCountersMax} distinct counters wait (the
 * store down for a while), a delta of yet another counter is dropped and counted
 * ({@code tollgate.quota.usage.dropped}): again an under-count, never an over-count.
 */
final class UsageWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UsageWriter.class.getName());
    private static final long WARN_EVERY_MS = 10_000;

    record Entry(YearMonth period, Counter counter) {}

    private final UsageStore store;
    private final Clock clock;
    private final long flushIntervalMs;
    private final int pendingMax;
    private final ReentrantLock pendingLock = new ReentrantLock();
    /** Serialises flushes so a completed {@link #flush()} means everything added before it is in the table. */
    private final ReentrantLock flushLock = new ReentrantLock();
    private final io.micrometer.core.instrument.Counter dropped;
    private final io.micrometer.core.instrument.Counter failures;
    private final Thread thread;
    private Map<Entry, Long> pending = new HashMap<>();
    private volatile boolean closed;
    private long nextWarnMs;

    UsageWriter(UsageStore store, Clock clock, long flushIntervalMs, int pendingMax, MeterRegistry metrics) {
        this.store = store;
        this.clock = clock;
        this.flushIntervalMs = flushIntervalMs;
        this.pendingMax = pendingMax;
        this.dropped = io.micrometer.core.instrument.Counter.builder("tollgate.quota.usage.dropped")
                .description("Settled quota deltas dropped because the store was down and the queue full")
                .register(metrics);
        this.failures = io.micrometer.core.instrument.Counter.builder("tollgate.quota.usage.flush.failures")
                .description("Failed writes of settled quota usage to the store (kept for the next flush)")
                .register(metrics);
        this.thread = Thread.ofPlatform().name("tollgate-quota-writer").daemon(true).start(this::loop);
    }

    /**
     * Queues {@code delta} (negative for a reset) for the table. Never does I/O (callers hold locks):
     * when {@code pendingCountersMax} other counters already wait, the delta is dropped and counted.
     */
    void add(YearMonth period, Counter counter, long delta) {
        if (delta == 0) return;
        Entry key = new Entry(period, counter);
        pendingLock.lock();
        try {
            if (pending.size() < pendingMax || pending.containsKey(key)) {
                pending.merge(key, delta, Long::sum);
                return;
            }
        } finally {
            pendingLock.unlock();
        }
        dropped.increment();
        warn("quota usage queue full (" + pendingMax + " counters): a settled delta was dropped");
    }

    /** Writes everything queued so far; throws when the store fails (the deltas stay queued). */
    void flush() {
        flushLock.lock();
        try {
            Map<Entry, Long> batch;
            pendingLock.lock();
            try {
                if (pending.isEmpty()) return;
                batch = pending;
                pending = new HashMap<>();
            } finally {
                pendingLock.unlock();
            }
            batch.values().removeIf(v -> v == 0);
            try {
                if (!batch.isEmpty()) store.add(batch, clock.millis());
            } catch (RuntimeException e) {
                pendingLock.lock();
                try {
                    batch.forEach((k, v) -> pending.merge(k, v, Long::sum));
                } finally {
                    pendingLock.unlock();
                }
                failures.increment();
                throw e;
            }
        } finally {
            flushLock.unlock();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            warn("cannot write settled quota usage; keeping it for the next flush: " + e.getMessage());
        }
    }

    private void warn(String message) {
        long now = clock.millis();
        boolean warn;
        synchronized (this) {
            warn = now >= nextWarnMs;
            if (warn) nextWarnMs = now + WARN_EVERY_MS;
        }
        if (warn) LOG.log(Level.WARNING, message);
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(flushIntervalMs);
            } catch (InterruptedException e) {
                break;
            }
            flushQuietly();
        }
    }

    /** Stops the thread and writes what is queued. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }
}
