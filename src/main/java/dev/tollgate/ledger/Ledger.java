package dev.tollgate.ledger;

import dev.tollgate.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Prepaid credits as a double-entry ledger with two-phase holds (see docs/billing.md).
 * Writes go through one batching writer thread per instance and return once durable; several
 * instances (processes) may share one database. Reads go straight to the store.
 */
public final class Ledger implements AutoCloseable {
    /** A hold may not outlive a day: a longer reservation is a bug, not a long request. */
    static final Duration HOLD_TTL_MAX = Duration.ofDays(1);
    private static final int ID_LENGTH_MAX = 200;
    private static final int REASON_LENGTH_MAX = 1000;

    /** How long a refused hold or adjustment waits for other replicas to return their slices' unused parts. */
    static final Duration RECALL_WAIT = Duration.ofSeconds(2);
    private static final long RECALL_RETRY_MS = 10;

    private final Database db;
    private final LedgerOptions options;
    private final BatchWriter writer;
    /** This instance's id in the store (slices, recalls): new for every process, never reused. */
    private final String replicaId = "r" + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 1);
    private final Slices slices;
    private final SliceKeeper keeper;

    public Ledger(Database db, Clock clock, LedgerOptions options) {
        this.db = db;
        this.options = options;
        this.writer = new BatchWriter(new BatchApplier(db, clock, options.asyncCommits()), options);
        if (options.slices()) {
            this.slices = new Slices(replicaId, db, writer, clock, options.sliceLease().toMillis(),
                    db.dialect() == dev.tollgate.store.Dialect.SQLITE);
            this.keeper = new SliceKeeper(slices, db, writer, clock);
        } else {
            this.slices = null;
            this.keeper = null;
        }
    }

    /**
     * Reserves {@code amountMicros} until settled, released or expired after {@code ttl}.
     * A retry with the same id and body returns the hold as it is now.
     *
     * @throws InsufficientCreditsException when the available balance is below the amount
     * @throws IdempotencyConflictException when the id was used for another account or amount
     */
    public Hold hold(String holdId, String accountId, long amountMicros, Duration ttl) {
        requireId(holdId);
        SystemAccounts.requireUser(accountId);
        if (amountMicros <= 0) throw new IllegalArgumentException("hold amount must be positive: " + amountMicros);
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(HOLD_TTL_MAX) > 0) {
            throw new IllegalArgumentException("hold ttl must be within (0, " + HOLD_TTL_MAX + "]: " + ttl);
        }
        if (slices != null && db.reachable()) { // store down: the store hold below fails closed (503)
            Hold inMemory = slices.hold(holdId, accountId, amountMicros, ttl.toMillis());
            if (inMemory != null) return inMemory;
            slices.drain(accountId); // about to hold in the store: our own unused credits go back first
        }
        java.util.function.Supplier<Hold> recalling = () -> {
            CompletableFuture<Hold> f = new CompletableFuture<>();
            return writer.call(new Op.PlaceHold(holdId, accountId, amountMicros, ttl.toMillis(), leasedReplica(), replicaId, f), f);
        };
        // With slices on, a store hold is the fallback of a slice that could not grow: recall at once.
        if (slices != null) return unlessRecalled(accountId, recalling);
        try {
            CompletableFuture<Hold> f = new CompletableFuture<>();
            return writer.call(new Op.PlaceHold(holdId, accountId, amountMicros, ttl.toMillis(), leasedReplica(), null, f), f);
        } catch (InsufficientCreditsException e) {
            return unlessRecalled(accountId, recalling);
        }
    }

    /**
     * Retries an operation the available balance refused while other replicas' slices hold unused
     * credits: each refusal asks them back (in the same transaction), and the operation is refused for
     * good only once every slice asked has answered, or after {@link #RECALL_WAIT} (a dead replica's
     * slice is returned when its lease runs out instead).
     */
    private <T> T unlessRecalled(String accountId, java.util.function.Supplier<T> attempt) {
        long deadlineNs = System.nanoTime() + RECALL_WAIT.toNanos();
        while (true) {
            try {
                return attempt.get();
            } catch (InsufficientCreditsException e) {
                if (e.recallsPending() == 0 || !awaitRecalls(accountId, deadlineNs)) {
                    throw new InsufficientCreditsException(e.requiredMicros(), e.availableMicros());
                }
            }
        }
    }

    /** Polls (a read, no lock) until every recall of the account's slices is answered; false at the deadline. */
    private boolean awaitRecalls(String accountId, long deadlineNs) {
        while (LedgerQueries.recallsPending(db, accountId, replicaId) > 0) {
            if (System.nanoTime() - deadlineNs > 0) return false;
            try {
                Thread.sleep(RECALL_RETRY_MS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Charges the actual cost against the hold: up to the hold, plus any excess that the available
     * balance covers; what cannot be covered is reported as the shortfall. The charge transfer's id
     * is the hold id. A retry returns the first result; settling an expired hold charges what the
     * balance covers (a late settlement); settling a released hold is a conflict.
     */
    public Settlement settle(String holdId, long actualMicros, ChargeDetails details) {
        requireId(holdId);
        if (actualMicros < 0) throw new IllegalArgumentException("actual cost must not be negative: " + actualMicros);
        if (details == null) throw new IllegalArgumentException("charge details are required");
        if (slices != null) {
            Settlement inMemory = slices.settle(holdId, actualMicros, details);
            if (inMemory != null) return inMemory;
        }
        CompletableFuture<Settlement> f = new CompletableFuture<>();
        return writer.call(new Op.Settle(holdId, actualMicros, details, f), f);
    }

    /** Voids the hold without a charge; a no-op for a hold that is resolved already or unknown. */
    public void release(String holdId) {
        requireId(holdId);
        if (slices != null && slices.release(holdId)) return;
        CompletableFuture<HoldStatus> f = new CompletableFuture<>();
        writer.call(new Op.Release(holdId, f), f);
    }

    /**
     * Adds credits (positive: type grant) or removes them (negative: type adjustment, only down to
     * an available balance of zero). Returns the posted balance after the transfer; a retry with
     * the same id and body returns the same value.
     */
    public long grant(String transferId, String accountId, long amountMicros, String reason) {
        requireId(transferId);
        SystemAccounts.requireUser(accountId);
        if (amountMicros == 0) throw new IllegalArgumentException("grant amount must not be zero");
        if (reason != null && reason.length() > REASON_LENGTH_MAX) throw new IllegalArgumentException("reason too long");
        try {
            CompletableFuture<Long> f = new CompletableFuture<>();
            return writer.call(new Op.Grant(transferId, accountId, amountMicros, reason, null, f), f);
        } catch (InsufficientCreditsException e) {
            if (slices != null) slices.drain(accountId);
            return unlessRecalled(accountId, () -> {
                CompletableFuture<Long> f = new CompletableFuture<>();
                return writer.call(new Op.Grant(transferId, accountId, amountMicros, reason, replicaId, f), f);
            });
        }
    }

    /**
     * The account as this replica sees it: held counts the store's holds, other replicas' slices whole
     * (what they reserved, used or not) and this replica's in-memory holds; this replica's own unused
     * slice is available (docs/billing.md "Credit slices").
     */
    public Balance balance(String accountId) {
        Balance stored = LedgerQueries.balance(db, accountId);
        if (slices == null) return stored;
        Slices.View mine = slices.view(accountId);
        long held = Math.max(0, stored.heldMicros() - mine.sliceMicros() + mine.usedMicros());
        return new Balance(stored.postedMicros(), held);
    }

    /** Posted transfers of the account, newest first; {@code beforeCursor} is null for the first page. */
    public HistoryPage history(String accountId, int limit, String beforeCursor) {
        if (limit < 1 || limit > 1000) throw new IllegalArgumentException("limit must be 1..1000: " + limit);
        return LedgerQueries.history(db, accountId, limit, beforeCursor);
    }

    /**
     * The tokens (input + output) and µcr of the charges {@code provider} served with
     * {@code fromMs <= created_at < toMs}: one indexed range read (see db/003_provider_usage.sql).
     */
    public ProviderUsage providerUsage(String provider, long fromMs, long toMs) {
        if (fromMs > toMs) throw new IllegalArgumentException("empty range " + fromMs + ".." + toMs);
        return LedgerQueries.providerUsage(db, provider, fromMs, toMs);
    }

    /** Expires every open hold past its expiry (the writer also does this every sweep interval). */
    public int releaseExpiredHolds() {
        int total = 0;
        while (true) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            int n = writer.call(new Op.ExpireHolds(options.expiryBatchMax(), f), f);
            total += n;
            if (n < options.expiryBatchMax()) return total + (slices == null ? 0 : slices.expire());
        }
    }

    /** Checks every invariant against a consistent snapshot of the store. */
    public VerifyReport verify() {
        return LedgerVerifier.verify(db);
    }

    /** Transactions the writer has committed so far: operations per batch shows group commit at work. */
    public long batchesCommitted() {
        return writer.batchesCommitted();
    }

    /** Operations in those transactions (their mean batch size is this ÷ {@link #batchesCommitted()}). */
    public long operationsCommitted() { return writer.operationsCommitted(); }

    /** Nanoseconds the writer spent applying and committing those transactions. */
    public long commitNanos() { return writer.commitNanos(); }

    /** Holds open now (reserved, not yet settled, released or expired): one indexed count. */
    public long openHolds() {
        return LedgerQueries.openHolds(db) + (slices == null ? 0 : slices.openHolds());
    }


    /** This instance's replica id (the owner of its slices in the store). */
    String replicaId() { return replicaId; }

    /**
     * The id under which this instance renews a replica lease in the store ({@code replicas}), null when it keeps none
     * (credit slices off): recorded on its store holds and on its plan-quota reservations (docs/limits.md), which any
     * replica releases once that lease lapses.
     */
    public String leasedReplica() {
        return keeper == null ? null : replicaId;
    }

    /** Commits what is queued, then stops the writer. The Database stays open (it is the caller's). */
    @Override
    public void close() {
        if (keeper != null) {
            keeper.close();
            slices.returnAll(); // before the writer stops: unused credits go back to the account now
            keeper.endLease();
        }
        writer.close();
    }

    private static void requireId(String id) {
        if (id == null || id.isBlank() || id.length() > ID_LENGTH_MAX) {
            throw new IllegalArgumentException("id must be 1.." + ID_LENGTH_MAX + " characters: " + id);
        }
    }
}
