package dev.tollgate.api;

import dev.tollgate.account.Principal;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.RequestIds;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.limits.stop.Stop;
import dev.tollgate.limits.stop.StopScope;
import dev.tollgate.limits.stop.StoppedException;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.health.CircuitBreaker;
import dev.tollgate.routing.health.ProviderHealth;
import dev.tollgate.routing.health.RateLimiter;
import dev.tollgate.usage.UsageFacts;
import java.util.List;

/**
 * The attempts of one request, shared by the chat and unary pipelines. For each candidate in order:
 * provider emergency-stopped? (skip) → breaker admits? → provider rpm has room? → hold the worst case (once per deployment) → call; a
 * retryable failure before the first byte is retried on the same deployment up to
 * {@code routing.retries.max_attempts} tries with backoff, then the next candidate is tried; a
 * non-retryable one ends the request. The deployment's hold resolves exactly once (settled by the
 * call that answered, else released), and every breaker permit is resolved on every exit.
 */
final class AttemptLoop {
    /** Places the worst-case hold for calling {@code d}. */
    interface Holds {
        Reservation place(Deployment d, String holdId) throws InsufficientCreditsException;
    }

    /** One upstream call: answers (settling {@code hold}) and returns, or throws before the first byte. */
    interface Call<T> {
        T call(Deployment d, Reservation hold, Try attempt) throws ProviderException;
    }

    /** What a call may tell the loop while it runs. */
    static final class Try {
        private final Deployment deployment;
        private final AttemptLog log;
        private ProviderException failedAfterStart;

        private Try(Deployment deployment, AttemptLog log) {
            this.deployment = deployment;
            this.log = log;
        }

        /** The {@code x-tollgate-attempts} value naming this call as the one that answered. */
        String answeredHeader() { return log.withOk(deployment); }

        /** The call answered (bytes reached the client) but then broke: counts against the breaker. */
        void failedAfterStart(ProviderException e) { failedAfterStart = e; }
    }

    private enum Next { ANSWERED, NEXT_CANDIDATE, STOP }

    private final ProviderHealth health;
    private final Principal caller;
    private final EmergencyStops stops;
    private final AttemptLog log = new AttemptLog();
    private final String holdPrefix = "h_" + RequestIds.newLedgerId() + "_";
    private int holds;
    private int calls;
    private Object answer;
    private ProviderException lastFailure;
    private InsufficientCreditsException lastRefusal;
    private long rpmRetryAfterMs = -1;
    private long breakerRetryAfterMs = -1;
    /** True while every call that failed was rate limited upstream (429): the answer is then a 429 too. */
    private boolean onlyUpstreamRateLimits = true;
    /** The smallest pause an upstream 429 asked for, ms; -1 when none said. */
    private long upstreamRetryAfterMs = -1;
    private Stop providerStop;

    AttemptLoop(ProviderHealth health, Principal caller, EmergencyStops stops) {
        this.health = health;
        this.caller = caller;
        this.stops = stops;
    }

    String accountId() { return caller.accountId(); }

    /** The answer of the first candidate that answered; or throws the final error (see {@link #finalError()}). */
    @SuppressWarnings("unchecked")
    <T> T run(List<Deployment> candidates, Holds place, Call<T> call) {
        for (Deployment d : candidates) {
            Next next = onDeployment(d, place, call);
            if (next == Next.ANSWERED) {
                UsageFacts.current().attempts(log.withOk(d), calls, d != candidates.get(0));
                return (T) answer;
            }
            if (next == Next.STOP) break;
        }
        UsageFacts.current().attempts(log.render(), calls, false);
        throw finalError();
    }

    /** Emergency stop: a stopped caller gets its 503 before any hold or provider call (nothing to log in the header). */
    void refuseStoppedCaller() {
        Stop callerStop = stops.forCaller(caller);
        if (callerStop != null) throw stops.refused(callerStop);
    }

    /** Candidates the route took out (provider preferences): logged first, as {@code skip:<reason>}. */
    void skippedByRoute(List<dev.tollgate.routing.Route.Skip> skipped) {
        for (var s : skipped) log.skipped(s.deployment(), s.reason());
    }

    /** The header value so far, for an error answer when nothing succeeded. */
    String attemptsHeader() { return log.render(); }

    private <T> Next onDeployment(Deployment d, Holds place, Call<T> call) {
        Reservation hold = null;
        try {
            for (int tryNo = 1; ; tryNo++) {
                if (providerStopped(d, stops.forProvider(d.providerName()))) return Next.NEXT_CANDIDATE;
                CircuitBreaker.Permit permit = health.admit(d);
                if (permit == null) {
                    log.skipped(d, "breaker_open");
                    breakerRetryAfterMs = 1_000;
                    return Next.NEXT_CANDIDATE;
                }
                try {
                    if (!rpmAllows(d)) return Next.NEXT_CANDIDATE;
                    if (hold == null) hold = hold(d, place);
                    if (hold == null) return Next.NEXT_CANDIDATE;
                    Try attempt = new Try(d, log);
                    calls++;
                    try {
                        answer = call.call(d, hold, attempt);
                    } catch (ProviderException e) {
                        Next next = failed(d, e, permit, tryNo);
                        if (next != null) return next;
                        continue;
                    } catch (StoppedException e) { // a stop arrived while the call waited for its first byte
                        permit.neutral();
                        if (e.stop().scope() != StopScope.PROVIDER) throw stops.refused(e.stop());
                        providerStopped(d, e.stop());
                        return Next.NEXT_CANDIDATE;
                    }
                    if (attempt.failedAfterStart == null) permit.success();
                    else if (attempt.failedAfterStart.retryable()) permit.failure();
                    else permit.neutral();
                    return Next.ANSWERED;
                } finally {
                    permit.abandon(); // a no-op once resolved; covers every path that made no call
                }
            }
        } finally {
            if (hold != null) hold.release(); // a no-op after settle
        }
    }

    /** Records a failure before the first byte; null to retry the same deployment (after the backoff). */
    private Next failed(Deployment d, ProviderException e, CircuitBreaker.Permit permit, int tryNo) {
        log.failed(d, e);
        UsageFacts.current().upstreamError(d.providerName(), e.kind().name().toLowerCase(java.util.Locale.ROOT));
        lastFailure = e;
        if (e.kind() != ProviderException.Kind.RATE_LIMITED) onlyUpstreamRateLimits = false;
        else if (e.retryAfterMs() > 0 && (upstreamRetryAfterMs < 0 || e.retryAfterMs() < upstreamRetryAfterMs)) {
            upstreamRetryAfterMs = e.retryAfterMs();
        }
        if (!e.retryable()) {
            permit.neutral();
            return Next.STOP; // the provider rejected the request itself: elsewhere it would fail the same way
        }
        // An upstream 429 says the provider is up and wants us slower: it does not count towards opening the
        // breaker, or SDK retries stacked on ours would turn a rate limit into an open breaker (502s for 30 s).
        if (e.kind() == ProviderException.Kind.RATE_LIMITED) permit.neutral();
        else permit.failure();
        if (tryNo >= health.backoff().maxAttempts()) return Next.NEXT_CANDIDATE;
        long delayMs = health.backoff().delayMs(tryNo, e.retryAfterMs());
        if (delayMs < 0 || !health.pause(delayMs)) return Next.NEXT_CANDIDATE;
        return null;
    }

    /** True when an emergency stop takes {@code d}'s provider out (logged as a skip; the next candidate is tried). */
    private boolean providerStopped(Deployment d, Stop stop) {
        if (stop == null) return false;
        log.skipped(d, "emergency_stop");
        providerStop = stop;
        return true;
    }

    private boolean rpmAllows(Deployment d) {
        RateLimiter.Decision rpm = health.takeRpm(d);
        if (rpm.allowed()) return true;
        log.skipped(d, "rpm_limited", rpm.retryAfterMs());
        if (rpmRetryAfterMs < 0 || rpm.retryAfterMs() < rpmRetryAfterMs) rpmRetryAfterMs = rpm.retryAfterMs();
        return false;
    }

    /** The hold for calling {@code d}, or null when the caller cannot afford it (skip it). */
    private Reservation hold(Deployment d, Holds place) {
        try {
            return place.place(d, holdPrefix + holds++);
        } catch (InsufficientCreditsException e) {
            log.skipped(d, "insufficient_credits");
            if (lastRefusal == null || e.requiredMicros() < lastRefusal.requiredMicros()) lastRefusal = e;
            return null;
        }
    }

    /**
     * When nothing answered: 429 when every call made was refused by its provider's rate limit (429) and
     * every other candidate was rate limited too or skipped (Retry-After: the smallest pause asked for, so
     * SDKs' own RateLimitError handling runs instead of retrying a 502 into an open breaker); else an
     * upstream failure if any call was made; else 429 when a provider's rpm
     * held a candidate back (Retry-After: the soonest free permit); else 402 when credits did; else 502
     * when breakers did; else 503 {@code emergency_stop} when a provider stop did; else 502.
     */
    ApiException finalError() {
        if (lastFailure != null && onlyUpstreamRateLimits) return upstreamRateLimited();
        if (lastFailure != null) return ChatPipeline.failure(lastFailure);
        if (rpmRetryAfterMs >= 0) {
            return new ApiException(429, "rate_limit_exceeded", "rate_limit_exceeded", null,
                    "Every provider that serves this model is at its requests-per-minute limit; retry after "
                            + rpmRetryAfterMs + " ms", Math.max(1, (rpmRetryAfterMs + 999) / 1000));
        }
        if (lastRefusal != null) return ChatPipeline.insufficient(lastRefusal);
        if (breakerRetryAfterMs >= 0) {
            return new ApiException(502, "upstream_error", "upstream_error", null,
                    "Every provider that serves this model is failing (circuit breaker open); try again shortly",
                    breakerRetryAfterMs / 1000);
        }
        if (providerStop != null) return stops.refused(providerStop); // every candidate's provider is stopped
        return ApiException.upstream(502, "No provider could serve the request");
    }

    private ApiException upstreamRateLimited() {
        long ms = upstreamRetryAfterMs;
        if (rpmRetryAfterMs >= 0 && (ms < 0 || rpmRetryAfterMs < ms)) ms = rpmRetryAfterMs;
        long seconds = ms < 0 ? 1 : Math.max(1, (ms + 999) / 1000); // no pause named: 1 s, as a hint
        return new ApiException(429, "rate_limit_exceeded", "rate_limit_exceeded", null,
                "Every provider that serves this model is rate limiting the gateway (HTTP 429); retry after "
                        + seconds + " s", seconds);
    }
}
