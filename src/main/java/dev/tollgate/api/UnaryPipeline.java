package dev.tollgate.api;

import dev.tollgate.account.Principal;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.health.ProviderHealth;
import java.util.List;
import java.util.function.Consumer;

/**
 * The request path for endpoints that answer in one piece (embeddings, images), top to bottom:
 * for each candidate: breaker → rpm → hold the worst case → call the provider (retried with backoff) →
 * settle (or release), see {@link AttemptLoop}. Every hold is settled or released on every exit; a
 * retryable failure is retried, then moves to the next candidate; a non-retryable one ends the request. Nothing reaches the client before the charge is settled, so
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
    private final ProviderHealth health;
    private final EmergencyStops stops;

    UnaryPipeline(Billing billing, ProviderHealth health, EmergencyStops stops) {
        this.billing = billing;
        this.health = health;
        this.stops = stops;
    }

    /** {@code attemptsHeader} receives the {@code x-tollgate-attempts} value, on success and on failure. */
    <T> T run(Principal caller, List<Deployment> candidates, WorstCase worstCase, Attempt<T> attempt,
              Consumer<String> attemptsHeader) {
        AttemptLoop attempts = new AttemptLoop(health, caller, stops);
        attempts.refuseStoppedCaller();
        try {
            return attempts.run(candidates, (d, holdId) -> billing.reserve(caller.accountId(), holdId, d, worstCase.micros(d)),
                    (d, hold, t) -> {
                        T answer = attempt.call(d, hold);
                        attemptsHeader.accept(t.answeredHeader());
                        return answer;
                    });
        } catch (ApiException e) {
            attemptsHeader.accept(attempts.attemptsHeader());
            throw e;
        }
    }
}
