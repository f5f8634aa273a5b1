package dev.tollgate.ledger;

/**
 * One posted transfer as its user account sees it: {@code amountMicros} is signed (+ credit,
 * − debit) and {@code type} is one of {@link TransferType}'s wire names. requestId and model are
 * null for grants and adjustments.
 */
public record HistoryEntry(String id, String type, long amountMicros, long balanceAfterMicros, String requestId,
                           String model, long createdAtMs) {}
