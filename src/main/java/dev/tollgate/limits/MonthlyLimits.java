package dev.tollgate.limits;

import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;

/**
 * The last step of the guard: a plan's monthly quotas and the spend budgets, reserved for the worst case
 * and settled to the actual use (the quota engine does the counting; {@link QuotaStep} adapts it).
 */
public interface MonthlyLimits {
    /** Nothing to reserve: no quotas configured. */
    MonthlyLimits NONE = (requestId, principal, plan, demand) -> Reserved.NOTHING;

    /**
     * Reserves what {@code demand} may use under {@code plan} (null: no plan) and the account's and key's budgets.
     *
     * @throws LimitExceededException QUOTA or BUDGET when the worst case does not fit this month
     */
    Reserved reserve(String requestId, Principal principal, Limits.Plan plan, Demand demand);

    /** Resolves exactly once: settle to the actual use, or release; release after settle is a no-op. */
    interface Reserved {
        Reserved NOTHING = new Reserved() {
            @Override public void settle(Spent spent) {}

            @Override public void release() {}
        };

        void settle(Spent spent);

        void release();
    }
}
