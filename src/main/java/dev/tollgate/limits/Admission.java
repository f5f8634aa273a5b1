package dev.tollgate.limits;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A request the guard let in: its rate-limit tokens and parallel slots, and its monthly reservation. Resolves
 * exactly once, like a credit hold: {@link #settle} with what was actually used (tpm is corrected to it, quotas
 * and budgets count it) or {@link #release} when nothing was (tpm gets the whole reservation back; the request
 * still counts against rpm). Both free the parallel slots; release after settle is a no-op, so handlers call
 * release in a {@code finally} and settle on success.
 */
public final class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class.getName());
    static final Admission UNLIMITED = new Admission(null, List.of(), "", 0, MonthlyLimits.Reserved.NOTHING);

    private final RateLimits rates;
    private final List<RateCheck> checks;
    private final String leaseId;
    private final long reservedTokens;
    private final MonthlyLimits.Reserved monthly;
    private final AtomicBoolean resolved = new AtomicBoolean();

    Admission(RateLimits rates, List<RateCheck> checks, String leaseId, long reservedTokens, MonthlyLimits.Reserved monthly) {
        this.rates = rates;
        this.checks = checks;
        this.leaseId = leaseId;
        this.reservedTokens = reservedTokens;
        this.monthly = monthly;
    }

    /** Corrects every limit to what the request used. */
    public void settle(Spent spent) {
        if (this == UNLIMITED || !resolved.compareAndSet(false, true)) return;
        try {
            monthly.settle(spent);
        } finally {
            finishRates(reservedTokens - spent.tokens());
        }
    }

    /** Gives back what was reserved (the request used nothing). Never throws. */
    public void release() {
        if (this == UNLIMITED || !resolved.compareAndSet(false, true)) return;
        try {
            monthly.release();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing a quota reservation failed; it will expire", e);
        } finally {
            finishRates(reservedTokens);
        }
    }

    private void finishRates(long tokensBack) {
        if (checks.isEmpty()) return;
        try {
            rates.finish(checks, leaseId, tokensBack);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "freeing rate-limit slots failed; leases expire by themselves", e);
        }
    }
}
