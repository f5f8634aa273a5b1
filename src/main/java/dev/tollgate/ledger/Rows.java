package dev.tollgate.ledger;

/** Mutable mirrors of ledger rows inside one batch transaction (never shared between threads). */
final class Rows {
    private Rows() {}

    /** A user account's balance row, locked for the batch; the original values guard the write. */
    static final class AccountRow {
        final String account;
        final long postedBefore;
        final long heldBefore;
        final boolean exists;
        long posted;
        long held;
        long seq;

        AccountRow(String account, long posted, long held, long seq, boolean exists) {
            this.account = account;
            this.postedBefore = posted;
            this.heldBefore = held;
            this.exists = exists;
            this.posted = posted;
            this.held = held;
            this.seq = seq;
        }

        long available() {
            return posted - held;
        }

        boolean changed() {
            return posted != postedBefore || held != heldBefore;
        }
    }

    static final class HoldRow {
        final String id;
        final String account;
        final long amount;
        final long createdAt;
        final long expiresAt;
        final boolean isNew;
        final HoldStatus statusBefore;
        HoldStatus status;
        Long resolvedAt;
        Long actual;
        Long posted;
        boolean changed;
        /** The replica that placed a new hold (null: no lease); only written on insert. */
        String replica;

        HoldRow(String id, String account, long amount, long createdAt, long expiresAt, boolean isNew,
                HoldStatus status, Long resolvedAt, Long actual, Long posted) {
            this.id = id;
            this.account = account;
            this.amount = amount;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
            this.isNew = isNew;
            this.statusBefore = status;
            this.status = status;
            this.resolvedAt = resolvedAt;
            this.actual = actual;
            this.posted = posted;
        }

        Hold toHold() {
            return new Hold(id, account, amount, status, createdAt, expiresAt);
        }
    }

    /** A posted transfer; details is null unless type is CHARGE. */
    record TransferRow(String id, TransferType type, String debit, String credit, long amount, String account,
                       long accountSeq, long balanceAfter, String reason, ChargeDetails details, long createdAt) {
        /** The amount as the user account sees it: positive when credited. */
        long signedAmount() {
            return credit.equals(account) ? amount : -amount;
        }
    }

    /** A credit slice row, read after its account row was locked; the values read guard the write. */
    static final class SliceRow {
        final String id;
        final String account;
        final String replica;
        final long createdAt;
        final long expiresAt;
        final boolean isNew;
        final long amountBefore;
        final SliceStatus statusBefore;
        long amount;
        SliceStatus status;
        Long resolvedAt;
        Long recalledAt;
        Long ackedAt;
        /** A grow renews the lease too (the expiry read stays the write's guard). */
        long newExpiresAt;
        boolean changed;

        SliceRow(String id, String account, String replica, long amount, SliceStatus status, long createdAt,
                 long expiresAt, Long resolvedAt, Long recalledAt, Long ackedAt, boolean isNew) {
            this.id = id;
            this.account = account;
            this.replica = replica;
            this.amountBefore = amount;
            this.amount = amount;
            this.statusBefore = status;
            this.status = status;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
            this.resolvedAt = resolvedAt;
            this.recalledAt = recalledAt;
            this.ackedAt = ackedAt;
            this.newExpiresAt = expiresAt;
            this.isNew = isNew;
        }

        boolean open() {
            return status == SliceStatus.OPEN;
        }
    }
}
