package dev.tollgate.ledger;

import dev.tollgate.ledger.Rows.AccountRow;
import dev.tollgate.ledger.Rows.HoldRow;
import dev.tollgate.ledger.Rows.SliceRow;
import dev.tollgate.ledger.Rows.TransferRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The ledger's rules applied in memory to the rows one batch has locked. Every method either
 * changes the state and returns a result, or throws a {@link LedgerException} and changes nothing,
 * so one failing operation never disturbs the others in its batch. No I/O happens here.
 */
final class BatchState {
    /** Raised when a row the batch needs was not loaded (a concurrent writer created it): re-run the batch. */
    static final class StaleRead extends RuntimeException {
        StaleRead(String what) {
            super(what, null, false, false);
        }
    }

    private final long nowMs;
    private final Map<String, AccountRow> accounts;
    private final Map<String, HoldRow> holds;
    private final Map<String, TransferRow> transfers;
    /** Slices named by the batch, and every open slice of an account whose hold or adjustment may recall them. */
    private final Map<String, SliceRow> slices;
    final List<TransferRow> newTransfers = new ArrayList<>();
    /** System account → (posted delta, transfer count); sorted so every process locks them in one order. */
    final Map<String, long[]> systemDeltas = new TreeMap<>();

    BatchState(long nowMs, Map<String, AccountRow> accounts, Map<String, HoldRow> holds,
               Map<String, TransferRow> transfers, Map<String, SliceRow> slices) {
        this.nowMs = nowMs;
        this.accounts = accounts;
        this.holds = new LinkedHashMap<>(holds);
        this.transfers = new LinkedHashMap<>(transfers);
        this.slices = new LinkedHashMap<>(slices);
    }

    Iterable<SliceRow> slices() { return slices.values(); }

    Iterable<AccountRow> accounts() { return accounts.values(); }

    Iterable<HoldRow> holds() { return holds.values(); }

    Hold placeHold(Op.PlaceHold op) {
        HoldRow existing = holds.get(op.holdId());
        if (existing != null) {
            if (!existing.account.equals(op.account()) || existing.amount != op.amount()) {
                throw new IdempotencyConflictException(op.holdId(), "hold account or amount");
            }
            return existing.toHold(); // a retry: whatever became of the hold since
        }
        if (transfers.containsKey(op.holdId())) throw new IdempotencyConflictException(op.holdId(), "transfer (a grant)");
        AccountRow acct = account(op.account());
        if (acct.available() < op.amount()) throw refusal(op.account(), op.amount(), acct, op.recallBy());
        acct.held += op.amount();
        HoldRow h = new HoldRow(op.holdId(), op.account(), op.amount(), nowMs, nowMs + op.ttlMs(), true,
                HoldStatus.OPEN, null, null, null);
        h.replica = op.replica();
        holds.put(h.id, h);
        return h.toHold();
    }

    Settlement settle(Op.Settle op) {
        HoldRow h = holds.get(op.holdId());
        if (h == null) throw new UnknownHoldException(op.holdId());
        if (h.posted != null) return settledAgain(h, op);
        if (h.status == HoldStatus.RELEASED || h.status == HoldStatus.SETTLED) {
            throw new IdempotencyConflictException(op.holdId(), "resolution (the hold was released)");
        }
        if (transfers.containsKey(h.id)) throw new IdempotencyConflictException(h.id, "transfer (used by a grant)");
        AccountRow acct = account(h.account);
        boolean late = h.status == HoldStatus.EXPIRED;
        long reserved = late ? 0 : h.amount;
        // Charge what was used, but never more than the hold plus what is still available.
        long posted = Math.min(op.actual(), reserved + acct.available());
        if (!late) acct.held -= h.amount;
        h.status = late ? HoldStatus.EXPIRED : HoldStatus.SETTLED;
        h.resolvedAt = late ? h.resolvedAt : Long.valueOf(nowMs);
        h.actual = op.actual();
        h.posted = posted;
        h.changed = true;
        TransferRow t = post(h.id, TransferType.CHARGE, acct, SystemAccounts.REVENUE, -posted, null, op.details());
        return new Settlement(h.id, h.amount, op.actual(), posted, op.actual() - posted, t.balanceAfter(), late);
    }

    private Settlement settledAgain(HoldRow h, Op.Settle op) {
        TransferRow t = transfers.get(h.id);
        if (t == null) throw new IllegalStateException("settled hold " + h.id + " has no charge transfer");
        if (h.actual != op.actual() || !Objects.equals(t.details(), op.details())) {
            throw new IdempotencyConflictException(h.id, "settlement (actual amount or charge details)");
        }
        return new Settlement(h.id, h.amount, h.actual, h.posted, h.actual - h.posted, t.balanceAfter(),
                h.status == HoldStatus.EXPIRED);
    }

    /** Voids an open hold; any other state is left as it is (a retry, or a release after settle). */
    HoldStatus release(Op.Release op) {
        HoldRow h = holds.get(op.holdId());
        if (h == null) return null;
        if (h.status == HoldStatus.OPEN) resolve(h, HoldStatus.RELEASED);
        return h.status;
    }

    /** @return true when the hold was open and is now expired because the replica that placed it is gone */
    boolean expireLapsed(String holdId) {
        HoldRow h = holds.get(holdId);
        if (h == null || h.status != HoldStatus.OPEN) return false;
        resolve(h, HoldStatus.EXPIRED);
        return true;
    }

    /** @return true when the hold was open and past its expiry and is now expired */
    boolean expire(String holdId) {
        HoldRow h = holds.get(holdId);
        if (h == null || h.status != HoldStatus.OPEN || h.expiresAt > nowMs) return false;
        resolve(h, HoldStatus.EXPIRED);
        return true;
    }

    private void resolve(HoldRow h, HoldStatus to) {
        account(h.account).held -= h.amount;
        h.status = to;
        h.resolvedAt = nowMs;
        h.changed = true;
    }

    /**
     * The refusal of a hold or adjustment that does not fit. With {@code recallBy}, every other replica's
     * open slice of the account that still has credits is asked to return its unused part (a mark the
     * batch writes even though the operation failed); the count of those not yet answered lets the
     * caller wait for them instead of refusing while credits sit unused in another replica's slice.
     */
    private InsufficientCreditsException refusal(String account, long required, AccountRow acct, String recallBy) {
        int pending = 0;
        if (recallBy != null) {
            for (SliceRow s : slices.values()) {
                if (!s.open() || !s.account.equals(account) || s.replica.equals(recallBy) || s.amount == 0) continue;
                if (s.recalledAt == null) {
                    s.recalledAt = nowMs;
                    s.changed = true;
                }
                if (s.ackedAt == null) pending++;
            }
        }
        return new InsufficientCreditsException(required, acct.available(), pending);
    }

    /** Opens or grows a replica's slice; the credits move from available to held. Returns the amount after. */
    long growSlice(Op.GrowSlice op) {
        AccountRow acct = account(op.account());
        SliceRow row = slices.get(op.sliceId());
        if (row != null && (!row.open() || !row.account.equals(op.account()) || !row.replica.equals(op.replica()))) {
            throw new SliceGoneException(op.sliceId());
        }
        long unsliced = acct.available();
        if (unsliced < Math.max(op.need(), op.floor())) throw new InsufficientCreditsException(op.need(), unsliced);
        long grant = Math.min(unsliced, Math.min(op.want(), Math.max(op.need(), unsliced / op.shareDivisor())));
        if (row == null) {
            row = new SliceRow(op.sliceId(), op.account(), op.replica(), 0, SliceStatus.OPEN, nowMs,
                    nowMs + op.leaseMs(), null, null, null, true);
            slices.put(row.id, row);
        }
        row.amount += grant;
        row.newExpiresAt = Math.max(row.expiresAt, nowMs + op.leaseMs());
        row.recalledAt = null; // growing again means the owner is serving from it: any recall starts over
        row.ackedAt = null;
        row.changed = true;
        acct.held += grant;
        return row.amount;
    }

    /** Settles a hold that lived in memory against its slice: see {@link Op.SliceCharge}. */
    Op.SliceCharged sliceCharge(Op.SliceCharge op) {
        SliceRow row = slices.get(op.sliceId());
        boolean open = row != null && row.open() && row.account.equals(op.account());
        HoldRow existing = holds.get(op.holdId());
        if (existing != null) {
            if (existing.posted == null) throw new IdempotencyConflictException(op.holdId(), "hold (placed in the store)");
            Settlement again = settledAgain(existing, new Op.Settle(op.holdId(), op.actual(), op.details(), null));
            return new Op.SliceCharged(again, open ? row.amount : -1);
        }
        if (transfers.containsKey(op.holdId())) throw new IdempotencyConflictException(op.holdId(), "transfer (a grant)");
        AccountRow acct = account(op.account());
        long inSlice = open ? Math.min(op.reserved(), row.amount) : 0;
        long posted = Math.min(op.actual(), inSlice + acct.available());
        long fromSlice = Math.min(posted, inSlice);
        long leaving = fromSlice + (op.returnRest() ? inSlice - fromSlice : 0);
        if (leaving > 0) {
            row.amount -= leaving;
            row.changed = true;
            acct.held -= leaving;
        }
        HoldStatus status = op.late() ? HoldStatus.EXPIRED : HoldStatus.SETTLED;
        long resolvedAt = op.late() ? Math.min(nowMs, op.expiresAt()) : nowMs;
        HoldRow h = new HoldRow(op.holdId(), op.account(), op.holdAmount(), op.createdAt(), op.expiresAt(), true,
                status, resolvedAt, op.actual(), posted);
        holds.put(h.id, h);
        TransferRow t = post(h.id, TransferType.CHARGE, acct, SystemAccounts.REVENUE, -posted, null, op.details());
        Settlement s = new Settlement(h.id, op.holdAmount(), op.actual(), posted, op.actual() - posted, t.balanceAfter(),
                op.late());
        return new Op.SliceCharged(s, open ? row.amount : -1);
    }

    /** Returns part or all of a slice to the account; returns the amount after (-1 once closed). */
    long shrinkSlice(Op.ShrinkSlice op) {
        SliceRow row = slices.get(op.sliceId());
        if (row == null || !row.open()) throw new SliceGoneException(op.sliceId());
        AccountRow acct = account(row.account);
        long give = op.all() ? row.amount : Math.min(op.giveBack(), row.amount);
        row.amount -= give;
        acct.held -= give;
        if (op.ack() && row.recalledAt != null) row.ackedAt = nowMs;
        row.changed = true;
        if (op.close() && row.amount == 0) {
            row.status = SliceStatus.CLOSED;
            row.resolvedAt = nowMs;
            return -1;
        }
        return row.amount;
    }

    /** @return true when the slice was open and past its expiry and is now expired (its credits available again) */
    boolean expireSlice(String sliceId) {
        SliceRow row = slices.get(sliceId);
        if (row == null || !row.open() || row.expiresAt > nowMs) return false;
        account(row.account).held -= row.amount;
        row.status = SliceStatus.EXPIRED;
        row.resolvedAt = nowMs;
        row.changed = true;
        return true;
    }

    long grant(Op.Grant op) {
        TransferType type = op.amount() > 0 ? TransferType.GRANT : TransferType.ADJUSTMENT;
        TransferRow existing = transfers.get(op.transferId());
        if (existing != null) {
            boolean same = existing.type() == type && existing.account().equals(op.account())
                    && existing.signedAmount() == op.amount() && Objects.equals(existing.reason(), op.reason());
            if (!same) throw new IdempotencyConflictException(op.transferId(), "grant body");
            return existing.balanceAfter();
        }
        if (holds.containsKey(op.transferId())) throw new IdempotencyConflictException(op.transferId(), "transfer (a hold)");
        AccountRow acct = account(op.account());
        if (op.amount() < 0 && acct.available() < -op.amount()) {
            throw refusal(op.account(), -op.amount(), acct, op.recallBy());
        }
        return post(op.transferId(), type, acct, SystemAccounts.GRANTS, op.amount(), op.reason(), null).balanceAfter();
    }

    /** Posts signedAmount to the user account (+ credit) against the system account. */
    private TransferRow post(String id, TransferType type, AccountRow acct, String system, long signedAmount,
                             String reason, ChargeDetails details) {
        acct.posted += signedAmount;
        acct.seq += 1;
        boolean credit = signedAmount >= 0;
        TransferRow t = new TransferRow(id, type, credit ? system : acct.account, credit ? acct.account : system,
                Math.abs(signedAmount), acct.account, acct.seq, acct.posted, reason, details, nowMs);
        transfers.put(id, t);
        newTransfers.add(t);
        long[] d = systemDeltas.computeIfAbsent(system, k -> new long[2]);
        d[0] -= signedAmount;
        d[1] += 1;
        return t;
    }

    private AccountRow account(String account) {
        AccountRow a = accounts.get(account);
        if (a == null) throw new StaleRead("account " + account + " not locked by this batch");
        return a;
    }
}
