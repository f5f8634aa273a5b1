package dev.tollgate.billing;

import dev.tollgate.ledger.ChargeDetails;
import dev.tollgate.ledger.Settlement;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.ModelPrice;
import dev.tollgate.metering.Usage;
import dev.tollgate.routing.Deployment;
import dev.tollgate.usage.UsageFacts;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One attempt's hold. It resolves exactly once: {@link #settle} charges the real cost,
 * {@link #release} voids it; the request path calls one of them on every exit.
 * A free model holds nothing and settles to zero without touching the ledger.
 */
public final class Reservation {
    private static final Logger LOG = Logger.getLogger(Reservation.class.getName());

    private final Billing billing;
    private final String holdId;
    private final String accountId;
    private final Deployment deployment;
    private final ModelPrice price;
    private final long heldMicros;
    private boolean resolved;

    Reservation(Billing billing, String holdId, String accountId, Deployment deployment, ModelPrice price, long heldMicros) {
        this.billing = billing;
        this.holdId = holdId;
        this.accountId = accountId;
        this.deployment = deployment;
        this.price = price;
        this.heldMicros = heldMicros;
    }

    /** The charge for what was used, durable when this returns. */
    public Charged settle(Usage usage, String requestId) {
        return post(Cost.costMicros(price, usage), usage, requestId);
    }

    /**
     * Charges {@code images} generated images at {@code usdPerImage} (rounded up once). The charge
     * records no tokens: the ledger has no column for an image count yet (see docs/billing.md).
     */
    public Charged settleImages(long images, java.math.BigDecimal usdPerImage, String requestId) {
        return post(Cost.imageMicros(price, usdPerImage, images), Usage.of(0, 0), requestId);
    }

    /**
     * A response-cache hit, charged {@code costMicros} (hit price × the original cost). No provider produced a
     * token: the ledger records provider {@code cache} and zero tokens, provider budgets are not told, and the
     * returned charge carries {@code served} (what the original answer used) for the response's usage.
     */
    public Charged settleCacheHit(long costMicros, Usage served, String requestId) {
        if (costMicros > heldMicros) throw new IllegalArgumentException("a hit costs what was held: " + costMicros);
        Charged c = post(costMicros, Usage.of(0, 0), requestId, "cache", false);
        return new Charged(c.costMicros(), c.balanceAfterMicros(), served);
    }

    private Charged post(long cost, Usage usage, String requestId) {
        return post(cost, usage, requestId, deployment.providerName(), true);
    }

    private Charged post(long cost, Usage usage, String requestId, String provider, boolean providerCall) {
        if (resolved) throw new IllegalStateException("reservation " + holdId + " already resolved");
        resolved = true;
        if (heldMicros == 0) {
            // A free answer moves no credits: no ledger write, and no read just to echo the balance.
            UsageFacts.current().charged(deployment, usage, 0, 0);
            return new Charged(0, null, usage, Cost.cacheDiscountMicros(price, usage));
        }
        Settlement s = billing.ledger().settle(holdId, cost, new ChargeDetails(requestId, deployment.publicName(),
                provider, price.version(), usage.promptTokens(), usage.cachedPromptTokens(),
                usage.completionTokens(), usage.reasoningTokens(), usage.cacheWriteTokens(), usage.cacheWrite1hTokens()));
        if (s.shortfallMicros() > 0) billing.shortfallMicros.increment(s.shortfallMicros());
        if (providerCall) billing.charged(deployment, usage, s.postedMicros()); // provider budgets: not for a cache hit
        long discount = Cost.cacheDiscountMicros(price, usage);
        UsageFacts.current().charged(deployment, usage, s.postedMicros(), discount); // signed, like the answer's
        return new Charged(s.postedMicros(), s.balanceAfterMicros(), usage, discount);
    }

    /** Voids the hold: nothing is charged. Safe to call after a failed settle; never throws. */
    public void release() {
        if (resolved) return;
        resolved = true;
        if (heldMicros == 0) return;
        try {
            billing.ledger().release(holdId);
        } catch (RuntimeException e) {
            // The hold stays open until it expires and is released by the ledger's sweep.
            LOG.log(Level.WARNING, "release of hold " + holdId + " failed; it will expire", e);
        }
    }

    /**
     * What a settled request cost and the account's posted balance afterwards, in µcr; the balance is
     * null for a free answer, which touched no credits (its response carries no balance header).
     */
    public record Charged(long costMicros, Long balanceAfterMicros, Usage usage, long cacheDiscountMicros) {
        public Charged(long costMicros, Long balanceAfterMicros, Usage usage) {
            this(costMicros, balanceAfterMicros, usage, 0);
        }

        public String costCredits() { return Cost.toCredits(costMicros); }

        /** The balance in credits, or null when the answer was free. */
        public String balanceCredits() { return balanceAfterMicros == null ? null : Cost.toCredits(balanceAfterMicros); }
    }
}
