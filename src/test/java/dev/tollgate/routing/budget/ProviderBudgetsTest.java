package dev.tollgate.routing.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.ledger.ProviderUsage;
import dev.tollgate.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The cache in front of the ledger: thresholds, the refresh interval, month boundaries, a failing store. */
class ProviderBudgetsTest {
    final TestClock clock = new TestClock(Instant.parse("2027-03-31T23:59:59Z"));
    final AtomicReference<ProviderUsage> stored = new AtomicReference<>(ProviderUsage.ZERO);
    final List<long[]> reads = new ArrayList<>();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    ProviderBudgets budgets(Long tokens, String usd) {
        TollgateConfig.Provider p = new TollgateConfig.Provider("p", "mock", null, null, null, tokens,
                usd == null ? null : new BigDecimal(usd), 0, 0, Map.of());
        TollgateConfig.Provider free = new TollgateConfig.Provider("unbudgeted", "mock", null, null, null, null, 0, 0, Map.of());
        TollgateConfig config = new TollgateConfig("test", null, null,
                new TollgateConfig.Credits(new BigDecimal("0.001"), 1024, 60_000), null, List.of(p, free), List.of(), Map.of(),
                new TollgateConfig.Routing(null, new TollgateConfig.Budgets(0.8, 0.95, 5_000),
                        TollgateConfig.Retries.DEFAULTS, TollgateConfig.Breaker.DEFAULTS));
        return new ProviderBudgets(config, (provider, from, to) -> {
            if (stored.get() == null) throw new IllegalStateException("store down");
            reads.add(new long[] {from, to});
            return provider.equals("p") ? stored.get() : ProviderUsage.ZERO;
        }, clock, metrics);
    }

    @Test
    void thresholdsOnTheLargerOfTokensAndUsd() {
        ProviderBudgets b = budgets(1000L, "1");
        assertThat(b.state("p")).isEqualTo(BudgetState.OK);
        b.charged("p", 799, 0);
        assertThat(b.state("p")).isEqualTo(BudgetState.OK);
        b.charged("p", 1, 0);
        assertThat(b.state("p")).isEqualTo(BudgetState.WARNING);
        // $0.96 in µcr at $0.001 a credit: 960 credits; USD now dominates
        b.charged("p", 0, 960_000_000L);
        assertThat(b.state("p")).isEqualTo(BudgetState.SWITCHING);
        b.charged("p", 0, 40_000_000L);
        assertThat(b.state("p")).isEqualTo(BudgetState.EXHAUSTED);
        assertThat(b.state("unbudgeted")).isEqualTo(BudgetState.OK);
        assertThat(metrics.get("tollgate.provider.budget.used").tag("provider", "p").gauge().value()).isEqualTo(1.0);
        assertThat(metrics.get("tollgate.provider.budget.transitions").tag("state", "warning").counter().count()).isEqualTo(1.0);
    }

    @Test
    void otherReplicasChargesShowAfterTheRefreshIntervalWithoutDoubleCountingOurOwn() {
        clock.set(Instant.parse("2027-03-15T12:00:00Z"));
        ProviderBudgets b = budgets(100L, null);
        assertThat(b.state("p")).isEqualTo(BudgetState.OK);
        int readsAfterFirst = reads.size();
        b.charged("p", 30, 0);                           // ours, counted at once
        stored.set(new ProviderUsage(30 + 55, 0, 2));    // the ledger has ours and another replica's 55
        clock.advance(Duration.ofMillis(4_999));
        assertThat(b.state("p")).isEqualTo(BudgetState.OK); // 30: not re-read yet
        assertThat(reads).hasSize(readsAfterFirst);
        clock.advance(Duration.ofMillis(1));
        assertThat(b.state("p")).isEqualTo(BudgetState.WARNING); // 85, not 115
        assertThat(b.statuses(false).get(0).tokens()).isEqualTo(85);
    }

    @Test
    void midnightOnTheFirstStartsANewMonthAtOnce() {
        ProviderBudgets b = budgets(100L, null);
        stored.set(new ProviderUsage(99, 0, 9));
        assertThat(b.state("p")).isEqualTo(BudgetState.SWITCHING);
        assertThat(b.secondsUntilNextMonth()).isEqualTo(1);
        stored.set(ProviderUsage.ZERO); // April has no charges yet
        clock.advance(Duration.ofSeconds(1));
        assertThat(b.state("p")).isEqualTo(BudgetState.OK);
        long[] range = reads.get(reads.size() - 1);
        assertThat(Instant.ofEpochMilli(range[0])).isEqualTo(Instant.parse("2027-04-01T00:00:00Z"));
        assertThat(Instant.ofEpochMilli(range[1])).isEqualTo(Instant.parse("2027-05-01T00:00:00Z"));
        assertThat(b.statuses(false).get(0).month().toString()).isEqualTo("2027-04");
    }

    @Test
    void aStoreFailureKeepsTheFiguresThisReplicaHas() {
        clock.set(Instant.parse("2027-03-15T12:00:00Z"));
        ProviderBudgets b = budgets(100L, null);
        stored.set(new ProviderUsage(50, 0, 5));
        assertThat(b.state("p")).isEqualTo(BudgetState.OK);
        stored.set(null);
        b.charged("p", 30, 0);
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.state("p")).isEqualTo(BudgetState.WARNING); // 80, no exception on the request path
    }
}
