package dev.tollgate.usage;

import dev.tollgate.store.Database;
import dev.tollgate.store.Dialect;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes usage events off the request path. {@link #offer} never blocks and never throws: when the
 * bounded queue is full the event is dropped and counted. One writer thread takes up to
 * {@code batchSizeMax} events at a time, inserts them and adds them to the rollups in one transaction, so
 * rollups always equal the events written.
 *
 * <p>The writer is never woken by a request: it sleeps {@code lingerMs}, takes what queued up, writes it and
 * sleeps again (at once again when it took a full batch). A queue whose every offer signalled the writer cost each
 * request a futex wake-up of the writer thread and the writer a park per event (5 % of a free request's CPU at
 * c=32); events are written at most {@code lingerMs} plus one write later either way.
 */
public final class UsageWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UsageWriter.class.getName());
    private static final int ATTEMPTS_MAX = 3;
    /** A writer that is behind takes batches of up to this many times {@code batchSizeMax}. */
    static final int BACKLOG_FACTOR = 4;

    private final Database db;
    private final ConcurrentLinkedQueue<UsageEvent> queue = new ConcurrentLinkedQueue<>();
    private final int queueCapacity;
    /** Events in {@link #queue}; its own size() walks the whole queue. */
    private final AtomicInteger queued = new AtomicInteger();
    private final int batchSizeMax;
    private final long lingerMs;
    private final Thread thread;
    private final Counter dropped;
    private final Counter failed;
    private final Timer commit;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong done = new AtomicLong(); // written, or given up on after a store failure
    private final AtomicLong inFlight = new AtomicLong();
    private final Object progress = new Object();
    /** Threads inside {@link #flush}: only then does a finished request notify {@link #progress}. */
    private final AtomicInteger flushing = new AtomicInteger();
    private volatile boolean closing;

    public UsageWriter(Database db, int queueCapacity, int batchSizeMax, long lingerMs, MeterRegistry metrics) {
        this.db = db;
        this.queueCapacity = queueCapacity;
        this.batchSizeMax = batchSizeMax;
        this.lingerMs = lingerMs;
        this.dropped = Counter.builder("tollgate.usage.events.dropped")
                .description("Usage events dropped because the queue was full").register(metrics);
        this.failed = Counter.builder("tollgate.usage.events.failed")
                .description("Usage events lost to a store failure after retries").register(metrics);
        this.commit = Timer.builder("tollgate.usage.batch.commit").description("Usage batch transactions")
                .publishPercentileHistogram().register(metrics);
        Gauge.builder("tollgate.usage.queue.depth", queued, AtomicInteger::get)
                .description("Usage events waiting for the writer").register(metrics);
        this.thread = Thread.ofPlatform().name("tollgate-usage-writer").daemon(true).start(this::loop);
    }

    /** Queues the event; false (and counted) when the queue is full or the writer is closed. */
    public boolean offer(UsageEvent e) {
        if (closing) {
            dropped.increment();
            return false;
        }
        if (queued.incrementAndGet() > queueCapacity) {
            queued.decrementAndGet();
            dropped.increment();
            return false;
        }
        queue.add(e);
        accepted.incrementAndGet();
        return true;
    }

    /** A request that may produce an event has started; {@link #flush} waits for it. */
    void requestStarted() { inFlight.incrementAndGet(); }

    void requestEnded() {
        inFlight.decrementAndGet();
        // a monitor and a notify on every request only matter while someone flushes (tests, the CLI, shutdown)
        if (flushing.get() > 0) {
            synchronized (progress) { progress.notifyAll(); }
        }
    }

    /**
     * Waits until every request that started has ended and every event it queued is written (tests,
     * the CLI, shutdown). False when {@code timeout} passed first.
     */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        flushing.incrementAndGet();
        try {
            return awaitProgress(deadline);
        } finally {
            flushing.decrementAndGet();
        }
    }

    private boolean awaitProgress(long deadline) {
        synchronized (progress) {
            while (inFlight.get() > 0 || done.get() < accepted.get()) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) return false;
                try {
                    progress.wait(Math.min(leftMs, 10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    public long droppedCount() { return (long) dropped.count(); }

    private void loop() {
        List<UsageEvent> batch = new ArrayList<>(BACKLOG_FACTOR * batchSizeMax);
        while (!closing) {
            if (take(batch, batchSizeMax) < batchSizeMax) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, lingerMs)));
                take(batch, batchSizeMax);
            }
            // behind (a full batch still waiting): take more at once. A batch's rollup rows merge in memory and its
            // upserts touch about the same pages whatever its size, so the CPU per event falls (~25 % at 4x on SQLite,
            // docs/performance.md); only a writer that cannot keep up holds its store's write lock longer per batch (on
            // SQLite the usage tables' own file, UsageStore, so no charge waits for it)
            if (queued.get() >= batchSizeMax) take(batch, BACKLOG_FACTOR * batchSizeMax);
            if (!batch.isEmpty()) write(batch);
            batch.clear();
        }
        while (take(batch, batchSizeMax) > 0) {
            write(batch);
            batch.clear();
        }
    }

    /** Moves queued events into {@code batch} up to {@code max} events in it; returns the batch's size. */
    private int take(List<UsageEvent> batch, int max) {
        for (UsageEvent e; batch.size() < max && (e = queue.poll()) != null; ) {
            queued.decrementAndGet();
            batch.add(e);
        }
        return batch.size();
    }

    private void write(List<UsageEvent> batch) {
        Rollups rollups = new Rollups();
        batch.forEach(rollups::add);
        long start = System.nanoTime();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    commit(batch, rollups);
                    break;
                } catch (SQLException e) {
                    if (attempt >= ATTEMPTS_MAX) throw e; // busy store, lost race with another replica: retry
                }
            }
            commit.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (SQLException | RuntimeException e) {
            failed.increment(batch.size());
            LOG.log(Level.WARNING, "usage batch of " + batch.size() + " events lost", e);
        } finally {
            done.addAndGet(batch.size());
            synchronized (progress) { progress.notifyAll(); }
        }
    }

    private void commit(List<UsageEvent> batch, Rollups rollups) throws SQLException {
        boolean sqlite = db.dialect() == Dialect.SQLITE;
        // the statements stay compiled on the pool's connections between batches (store/Statements)
        try (Connection c = db.connection()) {
            // analytics, not money: this transaction does not wait for its log to reach the disk (a crash can lose the
            // last fraction of a second of events, never half a batch); the ledger's commits still do. SQLite (WAL):
            // synchronous NORMAL for this connection during the batch, FULL again before the pool lends it on.
            if (sqlite) pragma(c, "synchronous = NORMAL");
            try {
                c.setAutoCommit(false);
                try {
                    if (!sqlite) {
                        try (var st = c.createStatement()) {
                            st.execute("SET LOCAL synchronous_commit TO OFF");
                        }
                    }
                    EventRows.insert(c, batch);
                    rollups.upsert(c);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } finally {
                if (sqlite) {
                    c.setAutoCommit(true); // outside a transaction: SQLite refuses to change the level inside one
                    pragma(c, "synchronous = FULL");
                }
            }
        }
    }

    private static void pragma(Connection c, String setting) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute("PRAGMA " + setting);
        }
    }

    /** Events lost to a store failure after retries (the bench checks it stayed 0). */
    long failedCount() { return (long) failed.count(); }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
