package dev.tollgate.ledger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This replica's credit slices (docs/billing.md "Credit slices"), after Diameter Credit-Control's
 * quota grants: per account, a durable slice of the available balance, and the request holds placed
 * against it in memory. A hold that fits costs no I/O; the store is asked only to grow the slice,
 * to give part of it back, and to charge (one durable write per billed request). Methods return
 * null when a hold is not theirs to place or resolve: the caller then uses the store's own holds.
 *
 * <p>Memory follows the store in commit order: a slice's {@code amount} changes only in the writer's
 * commit hook, and {@code used} grows before a store write and shrinks only after it, so the free
 * part seen here is never more than the store has reserved for this replica.
 */
final class Slices {
    private static final Logger LOG = Logger.getLogger(Slices.class.getName());
    /** After a recall or a failed grow, this replica's holds on the account go to the store this long. */
    static final long DRAIN_MS = 1_000;
    /** A slice grows to at least this many times the hold that needed it (and doubles after that). */
    private static final int GROW_FACTOR = 8;
    /**
     * No slice grows while less than this many times the hold is unsliced: near the end of a balance
     * every hold is a store hold, so the last credits are never stranded in some replica's slice.
     */
    static final int FLOOR_FACTOR = 16;
    /** Attempts to grow the slice for one hold before it falls back to a store hold. */
    private static final int GROW_ATTEMPTS = 3;

    final String replica;
    private final dev.tollgate.store.Database db;
    private final BatchWriter writer;
    private final Clock clock;
    final long leaseMs;
    /** 1 on SQLite (one process owns the file: the slice may be the whole balance), 2 when replicas share. */
    private final int shareDivisor;
    private final Map<String, Slice> byAccount = new ConcurrentHashMap<>();
    private final Map<String, Slice> byHold = new ConcurrentHashMap<>();
    private final AtomicLong sliceCounter = new AtomicLong();

    /** One account's slice on this replica. Fields other than the lock are guarded by the object's monitor. */
    static final class Slice {
        final String account;
        /** Serialises growth, so 32 holds that do not fit make one store write, not 32. */
        final ReentrantLock growLock = new ReentrantLock();
        String id;
        long amount;
        long used;
        long validUntilMs;
        long drainingUntilMs;
        long lastUsedMs;
        final Map<String, MemHold> holds = new HashMap<>();

        Slice(String account) {
            this.account = account;
        }

        long free() { return amount - used; }

        boolean reserves(MemHold h) { return !h.expired && h.sliceId.equals(id); }
    }

    /** A hold placed in memory; {@code expired} once its TTL passed (its credits no longer reserved). */
    static final class MemHold {
        final String id;
        final String account;
        final long amount;
        final long createdAtMs;
        final long expiresAtMs;
        final String sliceId;
        boolean expired;

        MemHold(String id, String account, long amount, long createdAtMs, long expiresAtMs, String sliceId) {
            this.id = id;
            this.account = account;
            this.amount = amount;
            this.createdAtMs = createdAtMs;
            this.expiresAtMs = expiresAtMs;
            this.sliceId = sliceId;
        }

        Hold toHold() {
            return new Hold(id, account, amount, expired ? HoldStatus.EXPIRED : HoldStatus.OPEN, createdAtMs, expiresAtMs);
        }
    }

    /** What this replica holds of an account: its slice's amount and the part its in-memory holds use. */
    record View(long sliceMicros, long usedMicros) {}

    Slices(String replica, dev.tollgate.store.Database db, BatchWriter writer, Clock clock, long leaseMs,
           boolean wholeBalance) {
        this.replica = replica;
        this.db = db;
        this.writer = writer;
        this.clock = clock;
        this.leaseMs = leaseMs;
        this.shareDivisor = wholeBalance ? 1 : 2;
    }

    /** Places the hold in memory, growing the slice if needed; null when it must go to the store. */
    Hold hold(String holdId, String account, long amount, long ttlMs) {
        Slice s = byAccount.computeIfAbsent(account, Slice::new);
        Hold placed = tryPlace(s, holdId, account, amount, ttlMs);
        if (placed != null) return placed;
        s.growLock.lock();
        try {
            for (int attempt = 0; attempt < GROW_ATTEMPTS; attempt++) {
                placed = tryPlace(s, holdId, account, amount, ttlMs);
                if (placed != null) return placed;
                long now = clock.millis();
                long need;
                long want;
                String id;
                synchronized (s) {
                    if (now < s.drainingUntilMs) return null;
                    if (s.id == null) {
                        s.id = replica + ":" + sliceCounter.incrementAndGet();
                        s.amount = 0;
                        s.used = 0;
                    }
                    id = s.id;
                    need = amount - s.free();
                    want = Math.max(need, Math.max(s.amount, GROW_FACTOR * amount));
                }
                if (poor(account, Math.max(need, FLOOR_FACTOR * amount))) {
                    drain(s, false);
                    return null;
                }
                try {
                    CompletableFuture<Long> f = new CompletableFuture<>();
                    writer.call(new Op.GrowSlice(id, account, replica, need, want, FLOOR_FACTOR * amount, shareDivisor, leaseMs,
                            after -> committed(s, id, after, true), f), f);
                } catch (InsufficientCreditsException e) {
                    drain(s, false);
                    return null;
                } catch (SliceGoneException e) {
                    forget(s, id);
                }
            }
            return null;
        } finally {
            s.growLock.unlock();
        }
    }

    /**
     * A read (no lock, not through the writer) that spares a poor account the grow attempt: near the end
     * of a balance every hold is a store hold anyway, and the refusal should cost no more than before.
     */
    private boolean poor(String account, long floor) {
        Balance b = LedgerQueries.balance(db, account);
        return b.postedMicros() - b.heldMicros() < floor;
    }

    private Hold tryPlace(Slice s, String holdId, String account, long amount, long ttlMs) {
        long now = clock.millis();
        Slice other = byHold.get(holdId);
        if (other != null && other != s) throw new IdempotencyConflictException(holdId, "hold account or amount");
        synchronized (s) {
            MemHold existing = s.holds.get(holdId);
            if (existing != null) {
                if (!existing.account.equals(account) || existing.amount != amount) {
                    throw new IdempotencyConflictException(holdId, "hold account or amount");
                }
                return existing.toHold(); // a retry: whatever became of the hold since
            }
            if (s.id == null || now >= s.validUntilMs || now < s.drainingUntilMs || s.free() < amount) return null;
            s.used += amount;
            s.lastUsedMs = now;
            MemHold h = new MemHold(holdId, account, amount, now, now + ttlMs, s.id);
            s.holds.put(holdId, h);
            byHold.put(holdId, s);
            return h.toHold();
        }
    }

    /** Settles an in-memory hold with one store write; null when the hold is not in memory. */
    Settlement settle(String holdId, long actual, ChargeDetails details) {
        Slice s = byHold.get(holdId);
        if (s == null) return null;
        MemHold h;
        long reserved;
        boolean late;
        String sliceId;
        boolean returnRest;
        synchronized (s) {
            h = s.holds.remove(holdId);
            if (h == null) return null; // resolved meanwhile: the store has the answer
            byHold.remove(holdId);
            long free = s.id == null ? 0 : Math.max(0, s.free());
            late = !s.reserves(h);
            // Usage above the hold is taken from the slice's free part first, then (in the store) from the account.
            reserved = late ? Math.min(actual, free) : h.amount + Math.min(Math.max(0, actual - h.amount), free);
            s.used += reserved - (late ? 0 : h.amount);
            sliceId = late && s.id != null ? s.id : h.sliceId;
            returnRest = clock.millis() < s.drainingUntilMs;
        }
        String chargedFrom = sliceId;
        try {
            CompletableFuture<Op.SliceCharged> f = new CompletableFuture<>();
            return writer.call(new Op.SliceCharge(sliceId, holdId, h.account, h.amount, reserved, actual, details,
                    h.createdAtMs, h.expiresAtMs, late, returnRest, after -> committed(s, chargedFrom, after, false), f),
                    f).settlement();
        } finally {
            synchronized (s) {
                if (chargedFrom.equals(s.id)) s.used -= reserved;
            }
        }
    }

    /** Voids an in-memory hold (no I/O unless the account is draining); false when it is not in memory. */
    boolean release(String holdId) {
        Slice s = byHold.get(holdId);
        if (s == null) return false;
        long giveBack = 0;
        String id;
        synchronized (s) {
            MemHold h = s.holds.remove(holdId);
            if (h == null) return false;
            byHold.remove(holdId);
            if (s.reserves(h)) s.used -= h.amount;
            id = s.id;
            if (id != null && clock.millis() < s.drainingUntilMs) giveBack = Math.max(0, s.free());
        }
        if (giveBack > 0) shrink(s, id, giveBack, false, false);
        return true;
    }

    /**
     * Stops serving the account from memory for {@link #DRAIN_MS} and gives the slice's free part back,
     * so a store hold (here or on another replica) can use it; {@code ack} answers a recall.
     */
    void drain(Slice s, boolean ack) {
        long giveBack;
        String id;
        synchronized (s) {
            s.drainingUntilMs = clock.millis() + DRAIN_MS;
            id = s.id;
            giveBack = Math.max(0, s.free());
        }
        if (id != null && (giveBack > 0 || ack)) shrink(s, id, giveBack, false, ack);
    }

    /** Gives the free part back before a store hold of this replica: the account's own credits first. */
    void drain(String account) {
        Slice s = byAccount.get(account);
        if (s != null) drain(s, false);
    }

    /** Answers a recall of slice {@code sliceId} (seen by the keeper). */
    void recalled(String sliceId, String account) {
        Slice s = byAccount.get(account);
        boolean current;
        if (s != null) {
            synchronized (s) {
                current = sliceId.equals(s.id);
            }
            if (current) {
                drain(s, true);
                return;
            }
        }
        // Not a slice this process serves from (left over): give all of it back and close it.
        shrinkOrphan(sliceId, account);
    }

    private void shrink(Slice s, String id, long giveBack, boolean close, boolean ack) {
        try {
            CompletableFuture<Long> f = new CompletableFuture<>();
            writer.call(new Op.ShrinkSlice(id, s.account, giveBack, false, close, ack,
                    after -> committed(s, id, after, false), f), f);
        } catch (SliceGoneException e) {
            forget(s, id);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "returning part of slice " + id + " failed; its lease will return it", e);
        }
    }

    private void shrinkOrphan(String sliceId, String account) {
        try {
            CompletableFuture<Long> f = new CompletableFuture<>();
            writer.call(new Op.ShrinkSlice(sliceId, account, 0, true, true, true, after -> { }, f), f);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing left-over slice " + sliceId, e);
        }
    }

    /** Writer thread, after the commit: the store's amount of the slice becomes ours (-1: it is closed). */
    private void committed(Slice s, String id, long amountAfter, boolean grew) {
        synchronized (s) {
            if (!id.equals(s.id)) return;
            if (amountAfter < 0) {
                forgetLocked(s);
                return;
            }
            s.amount = amountAfter;
            if (grew) s.validUntilMs = clock.millis() + leaseMs / 2; // a grow renews the lease in the store too
        }
    }

    /** The slice is gone from the store: its holds keep their ids but no longer reserve anything. */
    private void forget(Slice s, String id) {
        synchronized (s) {
            if (id.equals(s.id)) forgetLocked(s);
        }
    }

    private static void forgetLocked(Slice s) {
        s.id = null;
        s.amount = 0;
        s.used = 0;
        s.validUntilMs = 0;
    }

    /**
     * The keeper renewed the leases of these open slices at {@code renewedAtMs}. A slice missing from
     * the list is left to lapse here: no hold is placed on it until a grow renews it or finds it gone.
     */
    void renewed(java.util.Set<String> openIds, long renewedAtMs) {
        for (Slice s : byAccount.values()) {
            synchronized (s) {
                if (s.id != null && openIds.contains(s.id)) s.validUntilMs = renewedAtMs + leaseMs / 2;
            }
        }
    }

    /** Marks in-memory holds past their TTL expired (their credits free again); returns how many. */
    int expire() {
        long now = clock.millis();
        int n = 0;
        for (Slice s : byAccount.values()) {
            synchronized (s) {
                for (Iterator<MemHold> it = s.holds.values().iterator(); it.hasNext(); ) {
                    MemHold h = it.next();
                    if (!h.expired && h.expiresAtMs <= now) {
                        if (s.reserves(h)) s.used -= h.amount;
                        h.expired = true;
                        n++;
                    }
                    if (h.expired && h.expiresAtMs + Ledger.HOLD_TTL_MAX.toMillis() <= now) { // never settled: forget
                        it.remove();
                        byHold.remove(h.id);
                    }
                }
            }
        }
        return n;
    }

    /** Returns and closes slices nothing used for {@code idleMs}: credits should not sit where no traffic is. */
    void returnIdle(long idleMs) {
        long now = clock.millis();
        for (Slice s : byAccount.values()) {
            String id;
            synchronized (s) {
                if (s.id == null || s.used != 0 || now - s.lastUsedMs < idleMs) continue;
                id = s.id;
                forgetLocked(s); // no hold is placed on it from now on
            }
            shrinkOrphan(id, s.account);
        }
    }

    /** At shutdown: close what is unused, give back the free part of the rest (its lease returns the remainder). */
    void returnAll() {
        for (Slice s : new ArrayList<>(byAccount.values())) {
            String id;
            long giveBack;
            boolean close;
            synchronized (s) {
                if (s.id == null) continue;
                id = s.id;
                close = s.used == 0;
                giveBack = Math.max(0, s.free());
                s.drainingUntilMs = Long.MAX_VALUE;
            }
            if (close) shrinkOrphan(id, s.account);
            else if (giveBack > 0) shrink(s, id, giveBack, false, false);
        }
    }

    View view(String account) {
        Slice s = byAccount.get(account);
        if (s == null) return new View(0, 0);
        synchronized (s) {
            return s.id == null ? new View(0, 0) : new View(s.amount, s.used);
        }
    }

    /** In-memory holds not yet expired. */
    long openHolds() {
        long n = 0;
        for (Slice s : byAccount.values()) {
            synchronized (s) {
                for (MemHold h : s.holds.values()) if (!h.expired) n++;
            }
        }
        return n;
    }

    /** Ids of open slices this replica serves from (for tests and the keeper). */
    List<String> sliceIds() {
        List<String> out = new ArrayList<>();
        for (Slice s : byAccount.values()) {
            synchronized (s) {
                if (s.id != null) out.add(s.id);
            }
        }
        return out;
    }
}
