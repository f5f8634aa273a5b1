package dev.tollgate.limits;

import dev.tollgate.account.LimitOverrides;
import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import java.util.ArrayList;
import java.util.List;

/**
 * Which rate buckets apply to a caller (docs/limits.md "Which limit applies"). The account's limit is its
 * override, else its plan's; the key's is its own, and for rpm, when neither the key nor the account says,
 * {@code limits.default_rpm}. Both buckets apply when both are set, so keys may set lower than their plan but
 * never get more than it. 0 at any level means unlimited (no bucket).
 */
final class EffectiveLimits {
    private EffectiveLimits() {}

    static List<RateCheck> checks(Principal p, Limits.Plan plan, int defaultRpm, long tokens) {
        LimitOverrides key = p.key();
        LimitOverrides account = p.account();
        Integer accountRpm = first(account.rpm(), plan == null ? null : plan.rpm());
        Integer keyRpm = key.rpm() != null ? key.rpm() : accountRpm == null ? (Integer) defaultRpm : null;
        Integer accountTpm = first(account.tpm(), plan == null ? null : plan.tpm());
        Integer accountParallel = first(account.maxParallel(), plan == null ? null : plan.maxParallel());
        List<RateCheck> out = new ArrayList<>(6);
        add(out, RateCheck.Kind.RPM, "key:" + p.keyId(), keyRpm, 1);
        add(out, RateCheck.Kind.RPM, "account:" + p.accountId(), accountRpm, 1);
        add(out, RateCheck.Kind.TPM, "key:" + p.keyId(), key.tpm(), tokens);
        add(out, RateCheck.Kind.TPM, "account:" + p.accountId(), accountTpm, tokens);
        add(out, RateCheck.Kind.PARALLEL, "key:" + p.keyId(), key.maxParallel(), 1);
        add(out, RateCheck.Kind.PARALLEL, "account:" + p.accountId(), accountParallel, 1);
        return out;
    }

    /** The account's monthly budget in µcr: its override, else its plan's; null = none. */
    static Long accountBudgetMicros(Principal p, Limits.Plan plan) {
        Long override = p.account().monthlyBudgetMicros();
        return override != null ? override : plan == null ? null : plan.monthlyBudgetMicros();
    }

    private static Integer first(Integer own, Integer inherited) {
        return own != null ? own : inherited;
    }

    private static void add(List<RateCheck> out, RateCheck.Kind kind, String subject, Integer limit, long amount) {
        if (limit != null && limit > 0) out.add(new RateCheck(kind, subject, limit, amount));
    }
}
