package dev.tollgate.cli;

import dev.tollgate.config.TollgateConfig;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Limit values typed on the command line (docs/limits.md): a whole number (0 = unlimited), credits for a
 * budget, or {@code none} to clear the value so the plan decides again. Errors are one line, naming the flag.
 */
final class LimitOptions {
    private LimitOptions() {}

    /** Adds {@code column} → value (null for "none") when {@code raw} was given. */
    static void limit(Map<String, Object> columns, String column, String flag, String raw) {
        if (raw == null) return;
        if (raw.equals("none")) {
            columns.put(column, null);
            return;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < 0) throw new NumberFormatException();
            columns.put(column, v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number (0 = unlimited) or 'none', got '" + raw + "'");
        }
    }

    static void budget(Map<String, Object> columns, String raw) {
        if (raw == null) return;
        if (raw.equals("none")) {
            columns.put("monthly_budget", null);
            return;
        }
        try {
            BigDecimal credits = new BigDecimal(raw.trim());
            if (credits.signum() < 0) throw new NumberFormatException();
            columns.put("monthly_budget", credits.movePointRight(6).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("--monthly-budget must be credits (at most 6 decimals) or 'none', got '" + raw + "'");
        }
    }

    /** The same rule as the admin API: with plans configured, only their names. */
    static String plan(String plan, TollgateConfig config) {
        if (plan == null) return null;
        Map<String, ?> plans = config.limits().plans();
        if (!plans.isEmpty() && !plans.containsKey(plan)) {
            throw new IllegalArgumentException("no plan named '" + plan + "' in " + config.source()
                    + " (plans: " + String.join(", ", plans.keySet()) + ")");
        }
        return plan;
    }
}
