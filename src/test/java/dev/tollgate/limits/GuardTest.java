package dev.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.account.LimitOverrides;
import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import dev.tollgate.testing.TestClock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The guard's own rules, without HTTP: a step that refuses leaves nothing behind in the others (a quota
 * refusal gives the tpm reservation back; a rate refusal releases the quota reservation), the rate limit's
 * answer wins when both refuse, and an admission resolves once.
 */
class GuardTest {
    final TestClock clock = new TestClock();
    final LocalRateLimits rates = new LocalRateLimits(clock);
    final Principal caller = new Principal("acct_1", "key_1", null, new LimitOverrides(2, 1_000, 1, null), null,
            LimitOverrides.NONE);
    final Demand demand = new Demand(List.of("m"), Demand.Kind.CHAT, 100, () -> 100, 400, () -> 0, 0);
    final Map<String, String> headers = new HashMap<>();
    final io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    /** Counts what the quota step was asked to do; refuses when {@code refuse} is set. */
    static final class Quotas implements MonthlyLimits {
        boolean refuse;
        final AtomicInteger reserved = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();
        final AtomicInteger settled = new AtomicInteger();

        @Override
        public Reserved reserve(String requestId, Principal principal, Limits.Plan plan, Demand demand) {
            if (refuse) throw new LimitExceededException(LimitExceededException.Reason.QUOTA, null, "quota", 60L);
            reserved.incrementAndGet();
            return new Reserved() {
                @Override public void settle(Spent spent) { settled.incrementAndGet(); }

                @Override public void release() { released.incrementAndGet(); }
            };
        }
    }

    Guard guard(Quotas quotas) {
        return new Guard(new Limits(0, 30_000, 250, Map.of()), rates, quotas, metrics);
    }

    @Test
    void aQuotaRefusalGivesTheTpmReservationAndTheSlotBack() {
        Quotas quotas = new Quotas();
        quotas.refuse = true;
        assertThatThrownBy(() -> guard(quotas).admit(caller, demand, headers::put))
                .isInstanceOf(LimitExceededException.class).hasMessage("quota");
        assertThat(rates.inFlight("key:key_1:max_parallel")).isZero();
        quotas.refuse = false;
        Admission a = guard(quotas).admit(caller, demand, headers::put);
        assertThat(headers.get("x-ratelimit-remaining-tokens")).as("the refused request's 400 tokens came back").isEqualTo("600");
        assertThat(headers.get("x-ratelimit-remaining-requests")).as("it still counted against rpm").isEqualTo("0");
        a.settle(new Spent(100, 0, 0));
        a.release(); // after settle: nothing more
        assertThat(quotas.settled.get()).isEqualTo(1);
        assertThat(quotas.released.get()).isZero();
        assertThat(rates.inFlight("key:key_1:max_parallel")).isZero();
    }

    @Test
    void aRateRefusalReleasesTheQuotaReservationAndWinsOverAQuotaRefusal() {
        Quotas quotas = new Quotas();
        Admission first = guard(quotas).admit(caller, demand, headers::put); // holds the only parallel slot
        LimitExceededException e = org.junit.jupiter.api.Assertions.assertThrows(LimitExceededException.class,
                () -> guard(quotas).admit(caller, demand, headers::put));
        assertThat(e.reason()).isEqualTo(LimitExceededException.Reason.RATE_LIMIT);
        assertThat(e.getMessage()).contains("max_parallel");
        assertThat(quotas.reserved.get()).isEqualTo(2);
        assertThat(quotas.released.get()).as("the second request's quota reservation").isEqualTo(1);

        quotas.refuse = true;
        LimitExceededException both = org.junit.jupiter.api.Assertions.assertThrows(LimitExceededException.class,
                () -> guard(quotas).admit(caller, demand, headers::put));
        assertThat(both.reason()).as("the earlier step answers").isEqualTo(LimitExceededException.Reason.RATE_LIMIT);
        assertThat(metrics.counter("tollgate.limits.refused", "code", "rate_limit_exceeded").count()).isEqualTo(2);
        first.release();
        first.release();
        assertThat(quotas.released.get()).isEqualTo(2);
        assertThat(rates.inFlight("key:key_1:max_parallel")).isZero();
    }

    @Test
    void aDemandOfZeroTokensPassesATpmLimitAndReadsItsHeaders() {
        Demand image = new Demand(List.of("m"), Demand.Kind.IMAGES, 0, () -> 0, 0, () -> 0, 2);
        Admission a = guard(new Quotas()).admit(caller, image, headers::put);
        assertThat(headers.get("x-ratelimit-remaining-tokens")).isEqualTo("1000");
        a.settle(new Spent(0, 0, 2));
        assertThat(rates.inFlight("key:key_1:max_parallel")).isZero();
    }
}
