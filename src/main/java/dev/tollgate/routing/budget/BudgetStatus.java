package dev.tollgate.routing.budget;

import java.math.BigDecimal;
import java.time.YearMonth;

/**
 * One provider's month so far, as this replica sees it (at most {@code routing.budgets.refresh_ms}
 * behind the ledger for other replicas' charges). Budgets are null when not configured;
 * {@code usedFraction} is null when neither is.
 */
public record BudgetStatus(String provider, YearMonth month, long tokens, BigDecimal usd, Long tokenBudget,
                           BigDecimal usdBudget, Double usedFraction, BudgetState state) {}
