package dev.tollgate.limits.stop;

import dev.tollgate.routing.budget.BudgetStatus;
import dev.tollgate.routing.budget.ProviderBudgets;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * {@code routing.budgets.auto_stop_at}: when a provider's month reaches that fraction of its budget
 * (the figures of {@link ProviderBudgets}), make a provider stop — once per provider and calendar
 * month across every replica (the stop's dedupe key names both), so releasing it by hand sticks
 * until the next month. Runs on the stop poller's thread, never on the request path.
 */
final class ProviderAutoStop {
    private static final Logger LOG = Logger.getLogger(ProviderAutoStop.class.getName());

    private final ProviderBudgets budgets;
    private final double stopAt;

    ProviderAutoStop(ProviderBudgets budgets, double stopAt) {
        this.budgets = budgets;
        this.stopAt = stopAt;
    }

    /** Makes the stops that are due; returns how many were made now. */
    int check(EmergencyStops stops) {
        if (!budgets.any()) return 0;
        int made = 0;
        for (BudgetStatus s : budgets.statuses(false)) {
            if (s.usedFraction() == null || s.usedFraction() < stopAt) continue;
            String reason = String.format(Locale.ROOT, "automatic: provider %s at %s%% of its monthly budget",
                    s.provider(), percent(stopAt));
            String dedupeKey = "auto:provider:" + s.provider() + ":" + s.month();
            if (stops.createOnce(StopScope.PROVIDER, s.provider(), reason, dedupeKey).isPresent()) {
                LOG.warning(() -> "emergency stop made: " + reason + " (" + s.usedFraction() * 100 + " % used)");
                made++;
            }
        }
        return made;
    }

    private static String percent(double fraction) {
        return java.math.BigDecimal.valueOf(fraction * 100).stripTrailingZeros().toPlainString();
    }
}
