package dev.tollgate.ledger;

import dev.tollgate.ledger.Rows.AccountRow;
import dev.tollgate.ledger.Rows.HoldRow;
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
    final List<TransferRow> newTransfers = new ArrayList<>();
    /** System account → (posted delta, transfer count); sorted so every process locks them in one order. */
    final Map<String, long[]> systemDeltas = new TreeMap<>();

    BatchState(long nowMs, Map<String, AccountRow> accounts, Map<String, HoldRow> holds,
               Map<String, TransferRow> transfers) {
        this.nowMs = nowMs;
        this.accounts = accounts;
        this.holds = new LinkedHashMap<>(holds);
        this.transfers = new LinkedHashMap<>(transfers);
    }

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
        if (acct.available() < op.amount()) throw new InsufficientCreditsException(op.amount(), acct.available());
        acct.held += op.amount();
        HoldRow h = new HoldRow(op.holdId(), op.account(), op.amount(), nowMs, nowMs + op.ttlMs(), true,
                HoldStatus.OPEN, null, null, null);
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
            throw new InsufficientCreditsException(-op.amount(), acct.available());
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
