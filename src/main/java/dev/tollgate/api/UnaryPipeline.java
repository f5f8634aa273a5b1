package dev.tollgate.api;

import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.RequestIds;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import java.util.List;

/**
 * The request path for endpoints that answer in one piece (embeddings, images), top to bottom:
 * for each candidate: hold the worst case → call the provider → settle (or release). Every hold is
 * settled or released on every exit; a retryable failure moves to the next candidate, a
 * non-retryable one ends the request. Nothing reaches the client before the charge is settled, so
 * every failure is before the first byte.
 */
final class UnaryPipeline {
    /** The most calling {@code d} can cost, in µcr. */
    interface WorstCase {
        long micros(Deployment d);
    }

    /** Calls the provider and settles {@code hold} with what it reports; returns what to answer. */
    interface Attempt<T> {
        T call(Deployment d, Reservation hold) throws ProviderException;
    }

    private final Billing billing;

    UnaryPipeline(Billing billing) {
        this.billing = billing;
    }

    <T> T run(String accountId, List<Deployment> candidates, WorstCase worstCase, Attempt<T> attempt) {
        String holdPrefix = "h_" + RequestIds.newLedgerId() + "_";
        int attempts = 0;
        ProviderException lastFailure = null;
        InsufficientCreditsException lastRefusal = null;
        for (Deployment d : candidates) {
            Reservation hold;
            try {
                hold = billing.reserve(accountId, holdPrefix + attempts++, d, worstCase.micros(d));
            } catch (InsufficientCreditsException e) { // this candidate is unaffordable: try the next
                if (lastRefusal == null || e.requiredMicros() < lastRefusal.requiredMicros()) lastRefusal = e;
                continue;
            }
            try {
                return attempt.call(d, hold);
            } catch (ProviderException e) {
                hold.release();
                lastFailure = e;
                if (!e.retryable()) break;
            } finally {
                hold.release(); // a no-op after settle; covers every unexpected exit
            }
        }
        if (lastFailure != null) throw ChatPipeline.failure(lastFailure);
        if (lastRefusal != null) throw ChatPipeline.insufficient(lastRefusal);
        throw ApiException.upstream(502, "No provider could serve the request");
    }
}
