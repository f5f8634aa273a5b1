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

    private final Database db;
    private final LedgerOptions options;
    private final BatchWriter writer;

    public Ledger(Database db, Clock clock, LedgerOptions options) {
        this.db = db;
        this.options = options;
        this.writer = new BatchWriter(new BatchApplier(db, clock), options);
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
        CompletableFuture<Hold> f = new CompletableFuture<>();
        return writer.call(new Op.PlaceHold(holdId, accountId, amountMicros, ttl.toMillis(), f), f);
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
        CompletableFuture<Settlement> f = new CompletableFuture<>();
        return writer.call(new Op.Settle(holdId, actualMicros, details, f), f);
    }

    /** Voids the hold without a charge; a no-op for a hold that is resolved already or unknown. */
    public void release(String holdId) {
        requireId(holdId);
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
        CompletableFuture<Long> f = new CompletableFuture<>();
        return writer.call(new Op.Grant(transferId, accountId, amountMicros, reason, f), f);
    }

    public Balance balance(String accountId) {
        return LedgerQueries.balance(db, accountId);
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
            if (n < options.expiryBatchMax()) return total;
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
        return LedgerQueries.openHolds(db);
    }

    /** Commits what is queued, then stops the writer. The Database stays open (it is the caller's). */
    @Override
    public void close() {
        writer.close();
    }

    private static void requireId(String id) {
        if (id == null || id.isBlank() || id.length() > ID_LENGTH_MAX) {
            throw new IllegalArgumentException("id must be 1.." + ID_LENGTH_MAX + " characters: " + id);
        }
    }
}
