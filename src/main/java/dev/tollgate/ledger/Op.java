package dev.tollgate.ledger;

import java.util.concurrent.CompletableFuture;

/** An operation queued for the batching writer; its future completes after the batch commits. */
sealed interface Op {
    CompletableFuture<?> future();

    record PlaceHold(String holdId, String account, long amount, long ttlMs, CompletableFuture<Hold> future)
            implements Op {}

    record Settle(String holdId, long actual, ChargeDetails details, CompletableFuture<Settlement> future)
            implements Op {}

    record Release(String holdId, CompletableFuture<HoldStatus> future) implements Op {}

    record Grant(String transferId, String account, long amount, String reason, CompletableFuture<Long> future)
            implements Op {}

    /** Expires up to {@code max} open holds whose expiry has passed; completes with the count. */
    record ExpireHolds(int max, CompletableFuture<Integer> future) implements Op {}
}
