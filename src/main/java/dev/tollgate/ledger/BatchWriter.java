package dev.tollgate.ledger;

import dev.tollgate.store.StoreException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one writer thread of a {@link Ledger}: group commit. It takes the first waiting operation,
 * lingers up to {@code batchLinger} (or until {@code batchSizeMax}) for more, applies them all in
 * one transaction and completes every future after the commit. The fsync is paid once per batch.
 */
final class BatchWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BatchWriter.class.getName());
    private static final int ATTEMPTS_MAX = 3;
    /** Upper bound of an idle wait, so close() and the expiry sweep are noticed promptly. */
    private static final long IDLE_POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ArrayBlockingQueue<Op> queue;
    private final BatchApplier applier;
    private final LedgerOptions options;
    private final Thread thread;
    private volatile boolean closing;
    private volatile boolean stopped;
    /** Committed transactions; written by the writer thread only (for tests and the benchmark). */
    private volatile long batchesCommitted;
    /** Operations in committed batches, and the time spent applying and committing them (writer thread only). */
    private volatile long operationsCommitted;
    private volatile long commitNanos;
    /** Size of the previous batch (writer thread only): decides whether lingering can pay off. */
    private int lastBatchSize;

    BatchWriter(BatchApplier applier, LedgerOptions options) {
        this.applier = applier;
        this.options = options;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.thread = Thread.ofPlatform().name("tollgate-ledger-writer").daemon(true).start(this::loop);
    }

    /** Queues the operation (blocking while the queue is full) and waits until it is durable. */
    <T> T call(Op op, CompletableFuture<T> future) {
        if (closing) throw new IllegalStateException("ledger is closed");
        try {
            queue.put(op);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a ledger operation", e);
        }
        // The writer may have done its final drain between our check and our put.
        if (stopped && queue.remove(op)) throw new IllegalStateException("ledger is closed");
        try {
            return future.join(); // not interruptible on purpose: the operation may already be committing
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    private void loop() {
        List<Op> batch = new ArrayList<>(options.batchSizeMax() + 1);
        long sweepIntervalNs = options.expirySweepInterval().toNanos();
        long nextSweepNs = System.nanoTime() + sweepIntervalNs;
        while (!closing) {
            try {
                Op first = queue.poll(Math.min(IDLE_POLL_NS, Math.max(0, nextSweepNs - System.nanoTime())),
                        TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    fill(batch);
                }
            } catch (InterruptedException e) {
                break;
            }
            if (System.nanoTime() - nextSweepNs >= 0) {
                batch.add(new Op.ExpireHolds(options.expiryBatchMax(), new CompletableFuture<>()));
                nextSweepNs = System.nanoTime() + sweepIntervalNs;
            }
            lastBatchSize = batch.size();
            process(batch);
            batch.clear();
        }
        stopped = true;
        while (queue.drainTo(batch, options.batchSizeMax()) > 0) {
            process(batch);
            batch.clear();
        }
    }

    /**
     * Lingers for more operations only under load (something else was waiting, now or for the last
     * batch): an operation that arrives alone at an idle ledger is committed at once rather than
     * paying the linger as pure latency.
     */
    private void fill(List<Op> batch) throws InterruptedException {
        int max = options.batchSizeMax();
        long deadlineNs = System.nanoTime() + options.batchLinger().toNanos();
        queue.drainTo(batch, max - batch.size());
        if (batch.size() == 1 && lastBatchSize <= 1) return;
        while (batch.size() < max) {
            queue.drainTo(batch, max - batch.size());
            long leftNs = deadlineNs - System.nanoTime();
            if (batch.size() >= max || leftNs <= 0) return;
            Op next = queue.poll(leftNs, TimeUnit.NANOSECONDS);
            if (next == null) return;
            batch.add(next);
        }
    }

    private void process(List<Op> batch) {
        if (batch.isEmpty()) return;
        try {
            long start = System.nanoTime();
            List<BatchApplier.Outcome> outcomes = applyWithRetry(batch);
            commitNanos += System.nanoTime() - start;
            applier.db().seen(true);
            operationsCommitted += batch.size();
            batchesCommitted++;
            complete(batch, outcomes);
        } catch (SQLException e) {
            if (batch.size() > 1 && isDataError(e)) {
                // One operation tripped a constraint we did not foresee: isolate it so the rest commit.
                for (Op op : batch) process(List.of(op));
                return;
            }
            if (unreachable(e)) applier.db().seen(false); // in-memory holds stop until a write or a probe succeeds
            LOG.log(Level.WARNING, "ledger batch of " + batch.size() + " operations failed", e);
            failAll(batch, new StoreException("ledger batch", e));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "ledger batch failed", e);
            failAll(batch, e);
        }
    }

    private List<BatchApplier.Outcome> applyWithRetry(List<Op> batch) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return applier.apply(batch);
            } catch (BatchState.StaleRead | SQLException e) {
                // Lost a race with another process (new row, deadlock victim): re-read and re-run.
                // An unreachable store is no race: each retry would wait out the pool's connection
                // timeout again while every request behind this batch waits too, so fail now (503).
                if (e instanceof SQLException se && unreachable(se)) throw se;
                if (attempt >= ATTEMPTS_MAX) {
                    if (e instanceof SQLException se) throw se;
                    throw new SQLException("ledger batch kept racing: " + e.getMessage(), "40001", e);
                }
            }
        }
    }

    /** No connection (pool timeout, refused, broken): SQLState class 08, or the pool's transient error. */
    private static boolean unreachable(SQLException e) {
        return e instanceof java.sql.SQLTransientConnectionException
                || e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        if (state == null) return e.getErrorCode() == 19; // SQLite reports SQLITE_CONSTRAINT without a state
        return state.startsWith("23") || state.startsWith("40");
    }

    @SuppressWarnings("unchecked")
    private static void complete(List<Op> batch, List<BatchApplier.Outcome> outcomes) {
        for (int i = 0; i < batch.size(); i++) {
            BatchApplier.Outcome o = outcomes.get(i);
            if (o.error() == null) batch.get(i).committed(o.value());
        }
        for (int i = 0; i < batch.size(); i++) {
            BatchApplier.Outcome o = outcomes.get(i);
            CompletableFuture<Object> f = (CompletableFuture<Object>) batch.get(i).future();
            if (o.error() != null) f.completeExceptionally(o.error());
            else f.complete(o.value());
        }
    }

    private static void failAll(List<Op> batch, RuntimeException e) {
        for (Op op : batch) op.future().completeExceptionally(e);
    }

    long batchesCommitted() {
        return batchesCommitted;
    }

    long operationsCommitted() { return operationsCommitted; }

    long commitNanos() { return commitNanos; }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
