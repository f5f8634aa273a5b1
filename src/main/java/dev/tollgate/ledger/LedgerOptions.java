package dev.tollgate.ledger;

import java.time.Duration;

/**
 * Limits of the batching writer. batchLinger: how long the writer waits to fill a batch after the
 * first operation arrives; batchSizeMax: operations per transaction; queueCapacity: operations
 * waiting (callers block when it is full: back-pressure, not unbounded memory);
 * expirySweepInterval: how often the writer releases expired holds on its own;
 * expiryBatchMax: holds expired per sweep transaction.
 * sliceLease: credit slices on (docs/billing.md "Credit slices") with this lease, renewed while the
 * process lives; zero = off, every hold is a store write. asyncCommits: credits.durability async —
 * charges commit without waiting for the disk.
 */
public record LedgerOptions(Duration batchLinger, int batchSizeMax, int queueCapacity, Duration expirySweepInterval,
                            int expiryBatchMax, Duration sliceLease, boolean asyncCommits) {
    public LedgerOptions {
        if (batchLinger.isNegative() || batchLinger.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("batchLinger must be within 0..1s: " + batchLinger);
        }
        if (batchSizeMax < 1 || batchSizeMax > 4096) throw new IllegalArgumentException("batchSizeMax must be 1..4096");
        if (queueCapacity < batchSizeMax) throw new IllegalArgumentException("queueCapacity must be >= batchSizeMax");
        if (expirySweepInterval.toMillis() < 1) throw new IllegalArgumentException("expirySweepInterval must be >= 1ms");
        if (expiryBatchMax < 1 || expiryBatchMax > 4096) throw new IllegalArgumentException("expiryBatchMax must be 1..4096");
        if (sliceLease.isNegative() || (!sliceLease.isZero() && sliceLease.toMillis() < 500)
                || sliceLease.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("sliceLease must be 0 (off) or within 500ms..1h: " + sliceLease);
        }
    }

    public LedgerOptions(Duration batchLinger, int batchSizeMax, int queueCapacity, Duration expirySweepInterval,
                         int expiryBatchMax) {
        this(batchLinger, batchSizeMax, queueCapacity, expirySweepInterval, expiryBatchMax, Duration.ZERO, false);
    }

    /** Every hold a store write, durable charges: what the CLI and the ledger's own tests use. */
    public static LedgerOptions defaults() {
        return new LedgerOptions(Duration.ofMillis(1), 512, 8192, Duration.ofSeconds(1), 512);
    }

    public LedgerOptions withExpirySweepInterval(Duration interval) {
        return new LedgerOptions(batchLinger, batchSizeMax, queueCapacity, interval, expiryBatchMax, sliceLease,
                asyncCommits);
    }

    /** Credit slices with this lease (zero: off). */
    public LedgerOptions withSlices(Duration lease) {
        return new LedgerOptions(batchLinger, batchSizeMax, queueCapacity, expirySweepInterval, expiryBatchMax, lease,
                asyncCommits);
    }

    public LedgerOptions withAsyncCommits(boolean async) {
        return new LedgerOptions(batchLinger, batchSizeMax, queueCapacity, expirySweepInterval, expiryBatchMax,
                sliceLease, async);
    }

    boolean slices() {
        return !sliceLease.isZero();
    }
}
