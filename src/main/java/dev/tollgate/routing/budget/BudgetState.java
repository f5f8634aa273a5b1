package dev.tollgate.routing.budget;

import java.util.Locale;

/**
 * Where a provider stands against its monthly budgets (the larger fraction of the token and the USD
 * budget counts): below {@code warn_at} {@code OK}; from {@code warn_at} {@code WARNING} (logged and
 * measured, routing unchanged); from {@code switch_at} {@code SWITCHING} (its deployments move
 * behind every other candidate); from 100 % {@code EXHAUSTED} (skipped).
 */
public enum BudgetState {
    OK, WARNING, SWITCHING, EXHAUSTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
