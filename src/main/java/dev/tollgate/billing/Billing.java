package dev.tollgate.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.ModelPrice;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.routing.Deployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The money steps of the request path: reserve the worst case before a provider call, settle the
 * real cost (or release) after it. Knows prices and the ledger; knows nothing of HTTP.
 */
public final class Billing {
    private final Ledger ledger;
    private final PriceBook prices;
    private final Duration holdTtl;
    private final Counter exactRecounts;
    final Counter shortfallMicros;
    private volatile ChargeListener chargeListener = (d, usage, postedMicros) -> { };

    public Billing(Ledger ledger, PriceBook prices, Duration holdTtl, MeterRegistry metrics) {
        this.ledger = ledger;
        this.prices = prices;
        this.holdTtl = holdTtl;
        this.exactRecounts = Counter.builder("tollgate.billing.exact.recounts")
                .description("Holds that needed an exact prompt count because the cheap bound did not fit").register(metrics);
        this.shortfallMicros = Counter.builder("tollgate.billing.shortfall.micros")
                .description("Usage above the hold that the balance could not cover (µcr never charged)").register(metrics);
    }

    public Ledger ledger() { return ledger; }

    public ModelPrice price(Deployment d) { return prices.price(d.publicName()); }

    /** The most output the whole request may produce as far as holds are concerned (every answer of {@code n}). */
    public long outputBound(JsonNode request) {
        return prices.outputBound(request);
    }

    /** Told of every charge the ledger posted, once it is durable (provider budgets count them locally). */
    public interface ChargeListener {
        void charged(Deployment d, Usage usage, long postedMicros);
    }

    /** Replaces the charge listener; it must be quick and must not throw. */
    public void onCharged(ChargeListener listener) {
        this.chargeListener = java.util.Objects.requireNonNull(listener);
    }

    void charged(Deployment d, Usage usage, long postedMicros) {
        chargeListener.charged(d, usage, postedMicros);
    }

    /**
     * Holds the worst case of calling {@code d} with {@code request}. The cheap prompt bound is tried
     * first; only if it does not fit is the prompt counted exactly, so a request whose exact worst
     * case fits is never refused.
     *
     * @param holdId unique per attempt; also the id of the charge when settled
     * @throws InsufficientCreditsException naming the exact requirement when even that does not fit
     */
    public Reservation reserve(String accountId, String holdId, Deployment d, JsonNode request) {
        ModelPrice price = price(d);
        if (price.free()) return new Reservation(this, holdId, accountId, d, price, 0);
        long bound = boundMicros(price, d, request);
        try {
            ledger.hold(holdId, accountId, bound, holdTtl);
            return new Reservation(this, holdId, accountId, d, price, bound);
        } catch (InsufficientCreditsException e) {
            long exact = exactMicros(price, d, request);
            if (exact < 0) throw e;
            exactRecounts.increment();
            if (exact >= bound) throw e;
            String exactHoldId = holdId + "x"; // the refused hold wrote nothing, but keep ids one-use
            ledger.hold(exactHoldId, accountId, exact, holdTtl);
            return new Reservation(this, exactHoldId, accountId, d, price, exact);
        }
    }

    /**
     * What {@link #reserve} would hold for this request with {@code availableMicros} available, without
     * touching the ledger (for {@code /v1/estimate}): the bound when it fits, else the exact worst case
     * when that is smaller, else the bound. 0 for a free model.
     */
    public long quoteMicros(Deployment d, JsonNode request, long availableMicros) {
        ModelPrice price = price(d);
        if (price.free()) return 0;
        long bound = boundMicros(price, d, request);
        if (bound <= availableMicros) return bound;
        long exact = exactMicros(price, d, request);
        return exact >= 0 && exact < bound ? exact : bound;
    }

    /** The worst case from the cheap UTF-8 prompt bound: microseconds, no tokenizer. */
    private long boundMicros(ModelPrice price, Deployment d, JsonNode request) {
        return Cost.worstCaseMicros(price, PromptTokens.upperBound(request, d.upstreamModel()), outputBound(request));
    }

    /** The worst case from the exact prompt count, or -1 when the model's vocabulary is not known. */
    private long exactMicros(ModelPrice price, Deployment d, JsonNode request) {
        if (!PromptTokens.exactSupported(d.upstreamModel())) return -1;
        return Cost.worstCaseMicros(price, PromptTokens.exact(request, d.upstreamModel()), outputBound(request));
    }

    /**
     * Holds a worst case the caller computed (embeddings, images: their bounds are not a chat body's).
     * A free model holds nothing.
     *
     * @throws InsufficientCreditsException when the available balance does not cover it
     */
    public Reservation reserve(String accountId, String holdId, Deployment d, long worstCaseMicros) {
        if (worstCaseMicros < 0) throw new IllegalArgumentException("worst case must not be negative: " + worstCaseMicros);
        ModelPrice price = price(d);
        if (price.free() || worstCaseMicros == 0) return new Reservation(this, holdId, accountId, d, price, 0);
        ledger.hold(holdId, accountId, worstCaseMicros, holdTtl);
        return new Reservation(this, holdId, accountId, d, price, worstCaseMicros);
    }

    public Balance balance(String accountId) {
        return ledger.balance(accountId);
    }
}
