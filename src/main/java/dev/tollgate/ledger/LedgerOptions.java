package dev.tollgate.ledger;

import java.time.Duration;

/**
 * Limits of the batching writer. batchLinger: how long the writer waits to fill a batch after the
 * first operation arrives; batchSizeMax: operations per transaction; queueCapacity: operations
 * waiting (callers block when it is full: back-pressure, not unbounded memory);
 * expirySweepInterval: how often the writer releases expired holds on its own;
 * expiryBatchMax: holds expired per sweep transaction.
 */
public record LedgerOptions(Duration batchLinger, int batchSizeMax, int queueCapacity, Duration expirySweepInterval,
                            int expiryBatchMax) {
    public LedgerOptions {
        if (batchLinger.isNegative() || batchLinger.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("batchLinger must be within 0..1s: " + batchLinger);
        }
        if (batchSizeMax < 1 || batchSizeMax > 4096) throw new IllegalArgumentException("batchSizeMax must be 1..4096");
        if (queueCapacity < batchSizeMax) throw new IllegalArgumentException("queueCapacity must be >= batchSizeMax");
        if (expirySweepInterval.toMillis() < 1) throw new IllegalArgumentException("expirySweepInterval must be >= 1ms");
        if (expiryBatchMax < 1 || expiryBatchMax > 4096) throw new IllegalArgumentException("expiryBatchMax must be 1..4096");
    }

    public static LedgerOptions defaults() {
        return new LedgerOptions(Duration.ofMillis(1), 512, 8192, Duration.ofSeconds(1), 512);
    }

    public LedgerOptions withExpirySweepInterval(Duration interval) {
        return new LedgerOptions(batchLinger, batchSizeMax, queueCapacity, interval, expiryBatchMax);
    }
}
