package dev.tollgate.limits;

import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.limits.stop.Stop;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * The guard step of the request path (DESIGN.md), after auth and routing, before the credit hold:
 * emergency stop (of the caller, its account, or everything) → plan (models allowed, max context, features) →
 * rate limits (rpm, tpm, parallel) → monthly quotas and spend budgets. Each limit is reserved now and settled
 * after the call through the returned {@link Admission}. A stopped caller consumes no limit.
 */
public final class Guard {
    private static final Logger LOG = Logger.getLogger(Guard.class.getName());

    private final Limits limits;
    private final RateLimits rates;
    private final MonthlyLimits monthly;
    private final EmergencyStops stops;
    private final Set<String> unknownPlansLogged = ConcurrentHashMap.newKeySet();
    private final Map<LimitExceededException.Reason, Counter> refusals = new EnumMap<>(LimitExceededException.Reason.class);

    /** A guard without the emergency-stop step (tests and benchmarks of the limits alone). */
    public Guard(Limits limits, RateLimits rates, MonthlyLimits monthly, MeterRegistry metrics) {
        this(limits, rates, monthly, null, metrics);
    }

    public Guard(Limits limits, RateLimits rates, MonthlyLimits monthly, EmergencyStops stops, MeterRegistry metrics) {
        this.limits = limits;
        this.rates = rates;
        this.monthly = monthly;
        this.stops = stops;
        for (LimitExceededException.Reason r : LimitExceededException.Reason.values()) {
            refusals.put(r, Counter.builder("tollgate.limits.refused").tag("code", r.code)
                    .description("Requests the guard refused, by error code").register(metrics));
        }
    }

    public RateLimits rates() { return rates; }

    /**
     * Admits {@code demand} for {@code principal} or throws. The {@code x-ratelimit-*} headers go to
     * {@code headers} either way (before the throw), for a caller under any rpm or tpm limit.
     *
     * @throws LimitExceededException naming the limit, its value and when it resets
     * @throws dev.tollgate.http.ApiException 503 emergency_stop when the caller is stopped
     */
    public Admission admit(Principal principal, Demand demand, BiConsumer<String, String> headers) {
        try {
            return admitOrThrow(principal, demand, headers);
        } catch (LimitExceededException e) {
            refusals.get(e.reason()).increment();
            throw e;
        }
    }

    private Admission admitOrThrow(Principal principal, Demand demand, BiConsumer<String, String> headers) {
        Stop stop = stops == null ? null : stops.forCaller(principal);
        if (stop != null) throw stops.refused(stop);
        Limits.Plan plan = plan(principal);
        PlanRules.check(principal, plan, demand);
        List<RateCheck> checks = EffectiveLimits.checks(principal, plan, limits.defaultRpm(), demand.tokens());
        String leaseId = newId();
        // the rate-limit round trip and the quota one overlap: one round trip of latency with Redis
        CompletableFuture<RateLimits.Taken> pending = checks.isEmpty() ? null : rates.takeAsync(checks, leaseId);
        MonthlyLimits.Reserved reserved;
        try {
            reserved = monthly.reserve(leaseId, principal, plan, demand);
        } catch (RuntimeException quotaRefused) {
            if (pending != null) rateLimited(checks, pending.join(), demand, headers); // the earlier step's answer wins
            if (pending != null) rates.finish(checks, leaseId, demand.tokens());
            throw quotaRefused;
        }
        if (pending != null) {
            try {
                rateLimited(checks, pending.join(), demand, headers);
            } catch (LimitExceededException e) {
                reserved.release();
                throw e;
            }
        }
        if (checks.isEmpty() && reserved == MonthlyLimits.Reserved.NOTHING) return Admission.UNLIMITED;
        return new Admission(rates, checks, leaseId, demand.tokens(), reserved);
    }

    /** Writes the headers; throws when a bucket refused (nothing was taken then). */
    private static void rateLimited(List<RateCheck> checks, RateLimits.Taken taken, Demand demand,
                                    BiConsumer<String, String> headers) {
        RateHeaders.write(checks, taken, headers);
        if (!taken.admitted()) throw refused(checks.get(taken.refused()), taken.retryAfterMs(), demand.tokens());
    }

    /** The caller's plan; a name the config does not know is treated as no plan (logged once per name). */
    public Limits.Plan plan(Principal principal) {
        String name = principal.plan();
        if (name == null) return null;
        Limits.Plan plan = limits.plan(name);
        if (plan == null && unknownPlansLogged.add(name)) {
            LOG.warning("account " + principal.accountId() + " has plan '" + name + "', which the config does not"
                    + " define; its accounts get no plan limits (only limits.default_rpm and their own overrides)");
        }
        return plan;
    }

    private static LimitExceededException refused(RateCheck check, long retryAfterMs, long tokens) {
        String who = check.subject().startsWith("key:") ? "API key " + check.subject().substring(4)
                : "account " + check.subject().substring(8);
        String limit = check.kind().description + " (" + check.kind().configName + ") of " + check.limit();
        if (retryAfterMs < 0) {
            return new LimitExceededException(LimitExceededException.Reason.RATE_LIMIT, null, "This request may use up to "
                    + tokens + " tokens, more than the " + limit + " of " + who + " allows in a minute; lower max_tokens"
                    + " or shorten the prompt", 60L);
        }
        long seconds = Math.max(1, (retryAfterMs + 999) / 1000);
        String when = check.kind() == RateCheck.Kind.PARALLEL ? "a slot frees when one of them finishes; retry in "
                + seconds + "s" : "it resets in " + RateHeaders.duration(retryAfterMs) + " (retry after " + seconds + "s)";
        return new LimitExceededException(LimitExceededException.Reason.RATE_LIMIT, null,
                "Rate limit reached: the " + limit + " of " + who + " is used up; " + when, seconds);
    }

    /**
     * Lease ids name a request's parallel slots and quota reservations, also in Redis shared by replicas: they must
     * be unique across replicas and restarts, not secret, so the ledger's id (random per process, then a counter)
     * serves, without SecureRandom's lock and /dev/urandom reads on every request.
     */
    private static String newId() {
        return "adm_" + dev.tollgate.http.RequestIds.newLedgerId();
    }
}
