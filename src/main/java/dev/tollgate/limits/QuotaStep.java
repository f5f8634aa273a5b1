package dev.tollgate.limits;

import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import dev.tollgate.limits.quota.Claim;
import dev.tollgate.limits.quota.Counter;
import dev.tollgate.limits.quota.QuotaResult;
import dev.tollgate.limits.quota.Quotas;
import dev.tollgate.metering.Cost;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Monthly quotas and spend budgets through the quota engine: one all-or-nothing reservation per request of
 * the account's plan quotas (messages, tokens, images), the account's budget (plan or override) and the key's
 * budget, each for the request's worst case; settled to the actual use. An account with a plan or a budget has
 * all four of its counters kept (unlimited ones too, for {@code GET /v1/usage}); an account with neither costs
 * nothing here.
 */
public final class QuotaStep implements MonthlyLimits {
    /** The limit of a counter kept only for {@code /v1/usage}: never refused. */
    static final long UNLIMITED = Long.MAX_VALUE / 4;

    private final Quotas quotas;
    private final Clock clock;

    public QuotaStep(Quotas quotas, Clock clock) {
        this.quotas = quotas;
        this.clock = clock;
    }

    public Quotas quotas() { return quotas; }

    @Override
    public Reserved reserve(String requestId, Principal p, Limits.Plan plan, Demand demand) {
        if (!keepsCounters(p, plan)) return Reserved.NOTHING;
        Long accountBudget = EffectiveLimits.accountBudgetMicros(p, plan);
        Long keyBudget = p.key().monthlyBudgetMicros();
        Limits.Monthly monthly = plan == null ? Limits.Monthly.NONE : plan.monthly();
        long messages = demand.kind() == Demand.Kind.CHAT ? 1 : 0;
        long spend = accountBudget != null || keyBudget != null ? demand.spendMicros() : 0; // only a budget needs it
        List<Claim> claims = new ArrayList<>(5);
        claims.add(claim(account(p, "messages"), monthly.messages(), messages));
        claims.add(claim(account(p, "tokens"), monthly.tokens(), demand.tokens()));
        claims.add(claim(account(p, "images"), monthly.images(), demand.images()));
        claims.add(claim(account(p, "spend_micros"), accountBudget, spend));
        if (keyBudget != null) claims.add(claim(new Counter("key", p.keyId(), "spend_micros"), keyBudget, spend));
        return switch (quotas.reserve(requestId, claims)) {
            case QuotaResult.Admitted a -> new Held(a.reservation(), claims, messages);
            case QuotaResult.Refused r -> throw refused(r, plan, spend);
            case QuotaResult.Unavailable u -> throw new LimitExceededException(LimitExceededException.Reason.UNAVAILABLE,
                    null, "Quotas and budgets cannot be checked right now (" + u.reason() + "); try again shortly", 1L);
        };
    }

    /**
     * Whether this caller's monthly counters are kept: only with a plan or a spend budget (account or key). Without,
     * {@code GET /v1/usage} reads the month from the usage analytics instead.
     */
    public static boolean keepsCounters(Principal p, Limits.Plan plan) {
        return plan != null || EffectiveLimits.accountBudgetMicros(p, plan) != null || p.key().monthlyBudgetMicros() != null;
    }

    static Counter account(Principal p, String metric) {
        return new Counter("account", p.accountId(), metric);
    }

    private static Claim claim(Counter counter, Long limit, long amount) {
        return new Claim(counter, limit == null ? UNLIMITED : limit, amount);
    }

    private LimitExceededException refused(QuotaResult.Refused r, Limits.Plan plan, long spendMicros) {
        Counter c = r.claim().counter();
        long retryAfter = Math.max(1, Duration.between(clock.instant(), r.resetAt()).toSeconds());
        String resets = "it resets at " + r.resetAt() + " (00:00 UTC on the 1st)";
        if (c.metric().equals("spend_micros")) {
            String who = c.scope().equals("key") ? "API key " + c.subject() : "account " + c.subject();
            return new LimitExceededException(LimitExceededException.Reason.BUDGET, null, "Monthly spend budget of "
                    + who + " reached: " + Cost.toCredits(r.claim().limit()) + " credits per month, "
                    + Cost.toCredits(r.used() + r.reserved()) + " used or reserved, and this request may cost up to "
                    + Cost.toCredits(spendMicros) + "; " + resets, retryAfter);
        }
        String planName = plan == null ? "" : "plan '" + plan.name() + "' ";
        return new LimitExceededException(LimitExceededException.Reason.QUOTA, null, "Monthly quota reached: "
                + planName + "allows " + r.claim().limit() + " " + c.metric() + " per month, " + (r.used() + r.reserved())
                + " are used or reserved and this request needs up to " + r.claim().amount() + "; " + resets, retryAfter);
    }

    /** The reservation of one admitted request. */
    private record Held(dev.tollgate.limits.quota.QuotaReservation reservation, List<Claim> claims, long messages)
            implements Reserved {
        @Override
        public void settle(Spent spent) {
            Map<Counter, Long> actual = new HashMap<>();
            for (Claim claim : claims) {
                actual.put(claim.counter(), switch (claim.counter().metric()) {
                    case "messages" -> messages;
                    case "tokens" -> spent.tokens();
                    case "images" -> spent.images();
                    default -> spent.micros();
                });
            }
            reservation.settle(actual);
        }

        @Override
        public void release() {
            reservation.release();
        }
    }
}
