package dev.tollgate.limits;

import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import dev.tollgate.limits.quota.Counter;
import dev.tollgate.limits.quota.Quotas;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A caller's current month (for {@code GET /v1/usage}): settled use of each account counter against its limit
 * (null = unlimited), and the key's own spend when the key has a budget. Spend is in µcr here.
 *
 * @param plan     the account's plan, null when none (or a name the config no longer defines)
 * @param keySpend null unless the calling key has a monthly budget
 */
public record UsageReport(Limits.Plan plan, Instant start, Instant end, Line messages, Line tokens, Line images,
                          Line spendMicros, Line keySpend) {
    public record Line(long used, Long limit) {
        public Long remaining() { return limit == null ? null : Math.max(0, limit - used); }
    }

    public static UsageReport of(Principal p, Limits.Plan plan, Quotas quotas) {
        YearMonth period = quotas.period();
        Instant start = period.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<Counter> counters = new ArrayList<>(List.of(QuotaStep.account(p, "messages"), QuotaStep.account(p, "tokens"),
                QuotaStep.account(p, "images"), QuotaStep.account(p, "spend_micros")));
        Long keyBudget = p.key().monthlyBudgetMicros();
        Counter keySpend = new Counter("key", p.keyId(), "spend_micros");
        if (keyBudget != null) counters.add(keySpend);
        Map<Counter, Long> used = quotas.used(counters);
        Limits.Monthly monthly = plan == null ? Limits.Monthly.NONE : plan.monthly();
        return new UsageReport(plan, start, quotas.periodEnd(),
                line(used, counters.get(0), monthly.messages()), line(used, counters.get(1), monthly.tokens()),
                line(used, counters.get(2), monthly.images()),
                line(used, counters.get(3), EffectiveLimits.accountBudgetMicros(p, plan)),
                keyBudget == null ? null : line(used, keySpend, keyBudget));
    }

    private static Line line(Map<Counter, Long> used, Counter c, Long limit) {
        return new Line(used.getOrDefault(c, 0L), limit);
    }
}
