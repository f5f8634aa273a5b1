package dev.tollgate.ledger;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/** An operation queued for the batching writer; its future completes after the batch commits. */
sealed interface Op {
    CompletableFuture<?> future();

    /**
     * Runs on the writer thread after the commit and before any future completes, in commit order:
     * how a replica's in-memory view of its slices follows the store exactly.
     */
    default void committed(Object value) {}

    /**
     * {@code replica}: the placing replica, whose lapsed lease releases the hold (null: only its TTL does);
     * {@code recallBy}: when the hold does not fit, recall other replicas' slices (null: do not).
     */
    record PlaceHold(String holdId, String account, long amount, long ttlMs, String replica, String recallBy,
                     CompletableFuture<Hold> future) implements Op {}

    record Settle(String holdId, long actual, ChargeDetails details, CompletableFuture<Settlement> future)
            implements Op {}

    record Release(String holdId, CompletableFuture<HoldStatus> future) implements Op {}

    record Grant(String transferId, String account, long amount, String reason, String recallBy,
                 CompletableFuture<Long> future) implements Op {}

    /** Expires up to {@code max} open holds (and slices) whose expiry has passed; completes with the count. */
    record ExpireHolds(int max, CompletableFuture<Integer> future) implements Op {}

    /**
     * Opens or grows {@code replica}'s slice of the account by at most {@code want} and at least
     * {@code need} µcr, never more than the unsliced available ÷ {@code shareDivisor} unless that is
     * below {@code need}. Refused (insufficient credits) when less than {@code floor} is unsliced: a
     * poor account's last credits are served by store holds, never parked in a slice. Completes with
     * the slice's amount after.
     */
    record GrowSlice(String sliceId, String account, String replica, long need, long want, long floor,
                     int shareDivisor, long leaseMs, LongConsumer onCommit, CompletableFuture<Long> future)
            implements Op {
        @Override
        public void committed(Object value) { onCommit.accept((Long) value); }
    }

    /**
     * The one durable write of a billed request: charges a hold that lived in memory, taking up to
     * {@code reserved} µcr from the slice and any excess from the unsliced available. Records the hold
     * row (settled, or expired when {@code late}) so verify and retries see it like any other.
     * {@code returnRest}: give the unused part of {@code reserved} back to the account, not the slice.
     */
    record SliceCharge(String sliceId, String holdId, String account, long holdAmount, long reserved, long actual,
                       ChargeDetails details, long createdAt, long expiresAt, boolean late, boolean returnRest,
                       LongConsumer onCommit, CompletableFuture<SliceCharged> future) implements Op {
        @Override
        public void committed(Object value) { onCommit.accept(((SliceCharged) value).sliceAmountAfter()); }
    }

    /**
     * Gives {@code giveBack} µcr of the slice back to the account ({@code all}: everything); closes it when
     * {@code close} and nothing is left; {@code ack} answers a recall. Completes with the amount after.
     */
    record ShrinkSlice(String sliceId, String account, long giveBack, boolean all, boolean close, boolean ack,
                       LongConsumer onCommit, CompletableFuture<Long> future) implements Op {
        @Override
        public void committed(Object value) { onCommit.accept((Long) value); }
    }

    /** Renews a replica's lease (and its slices' expiry) in the batch's transaction; completes with the open slice ids. */
    record Renew(ReplicaLease lease, long nowMs, long expiresAtMs, boolean slices,
                 CompletableFuture<java.util.Set<String>> future) implements Op {}

    /** A slice charge's settlement and the slice's amount after it (-1 when the slice is no longer open). */
    record SliceCharged(Settlement settlement, long sliceAmountAfter) {}
}
