package dev.tollgate.ledger;

/** A pending reservation of credits, as placed (or found again on an idempotent retry). */
public record Hold(String id, String accountId, long amountMicros, HoldStatus status, long createdAtMs,
                   long expiresAtMs) {}
