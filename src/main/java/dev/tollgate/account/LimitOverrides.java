package dev.tollgate.account;

/**
 * Limits set on one key or one account, over its plan's. Each field: null = not set here (the next level
 * decides), 0 = unlimited (rpm, tpm, max parallel). {@code monthlyBudgetMicros}: spend per calendar month (UTC).
 */
public record LimitOverrides(Integer rpm, Integer tpm, Integer maxParallel, Long monthlyBudgetMicros) {
    public static final LimitOverrides NONE = new LimitOverrides(null, null, null, null);
}
