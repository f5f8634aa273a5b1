package dev.tollgate.routing.budget;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.ledger.ProviderUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Per-provider usage of the current calendar month (UTC) against {@code monthly_token_budget} and
 * {@code monthly_usd_budget}. The ledger's charge rows are the source of truth; this keeps a copy:
 * the month's sums as last read from the ledger plus the charges this replica settled since, so the
 * request path reads two atomics. The copy is re-read when it is older than
 * {@code routing.budgets.refresh_ms} (by the one request that notices, with a try-lock: others keep
 * the current figures) and at once when the month changes. Time comes from the injected clock.
 *
 * <p>Staleness: this replica's own charges count at once; another replica's count here at most
 * {@code refresh_ms} after they are settled. A charge settled while a re-read runs may count twice
 * until the next re-read (never zero times), so the error is on the side of switching early.
 */
public final class ProviderBudgets {
    /** Reads one provider's charges over {@code [fromMs, toMs)}; the ledger in production. */
    @FunctionalInterface
    public interface UsageSource {
        ProviderUsage usage(String provider, long fromMs, long toMs);
    }

    /**
     * Told a budgeted provider's usage whenever this replica looks at it (routing, charges, admin):
     * {@code metric} "tokens" (against {@code monthly_token_budget}) or "spend_usd_micros" (µUSD,
     * against {@code monthly_usd_budget}). Alerts listen here; a watcher must be fast and never throw.
     */
    @FunctionalInterface
    public interface Watcher {
        void usage(String provider, String metric, long used, long limit, YearMonth month);
    }

    private static final Watcher NO_WATCHER = (provider, metric, used, limit, month) -> { };
    private static final BigDecimal MICROS_PER_USD = BigDecimal.valueOf(1_000_000);

    private static final Logger LOG = Logger.getLogger(ProviderBudgets.class.getName());
    private static final BigDecimal MICROS_PER_CREDIT = BigDecimal.valueOf(1_000_000);

    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final UsageSource source;
    private final Clock clock;
    private final TollgateConfig.Budgets thresholds;
    private final BigDecimal usdPerCredit;
    private final MeterRegistry metrics;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile YearMonth month;
    private volatile long refreshedAtMs;
    private volatile Watcher watcher = NO_WATCHER;

    public ProviderBudgets(TollgateConfig config, UsageSource source, Clock clock, MeterRegistry metrics) {
        this.source = source;
        this.clock = clock;
        this.thresholds = config.routing().budgets();
        this.usdPerCredit = config.credits().usdPerCredit();
        this.metrics = metrics;
        for (TollgateConfig.Provider p : config.providers()) {
            Tally t = new Tally(p);
            tallies.put(p.name(), t);
            if (t.budgeted()) {
                Gauge.builder("tollgate.provider.budget.used", t, this::fraction)
                        .description("Fraction of the provider's monthly budget used (the larger of tokens and USD)")
                        .tag("provider", p.name()).register(metrics);
            }
        }
    }

    /** Sets the one watcher (the gateway's alerts). */
    public void watch(Watcher w) {
        this.watcher = w;
    }

    /** Whether any provider has a budget; without one routing never asks. */
    public boolean any() {
        return tallies.values().stream().anyMatch(Tally::budgeted);
    }

    /** The provider's state now; {@code OK} for a provider without budgets (never touches the store). */
    public BudgetState state(String provider) {
        Tally t = tallies.get(provider);
        if (t == null || !t.budgeted()) return BudgetState.OK;
        keepFresh(false);
        return observe(t);
    }

    /** Counts a charge this replica settled (the ledger has it already; this saves waiting for a re-read). */
    public void charged(String provider, long tokens, long micros) {
        Tally t = tallies.get(provider);
        if (t == null) return;
        t.localTokens.addAndGet(tokens);
        t.localMicros.addAndGet(micros);
        YearMonth current = month;
        if (t.budgeted() && current != null && current.equals(monthOf(clock.millis()))) tell(t, current);
    }

    /** Every provider's status, re-read from the ledger first when {@code fresh}. */
    public List<BudgetStatus> statuses(boolean fresh) {
        keepFresh(fresh);
        List<BudgetStatus> out = new ArrayList<>(tallies.size());
        for (Tally t : tallies.values()) {
            boolean budgeted = t.budgeted();
            out.add(new BudgetStatus(t.config.name(), month, t.tokens(), usd(t),
                    t.config.monthlyTokenBudget(), t.config.monthlyUsdBudget(),
                    budgeted ? fraction(t) : null, budgeted ? observe(t) : BudgetState.OK));
        }
        return out;
    }

    /** Seconds until the next calendar month starts (UTC): when an exhausted budget resets. */
    public long secondsUntilNextMonth() {
        long nowMs = clock.millis();
        long nextMs = startMs(monthOf(nowMs).plusMonths(1));
        return Math.max(1, (nextMs - nowMs + 999) / 1000);
    }

    private void keepFresh(boolean force) {
        long nowMs = clock.millis();
        YearMonth now = monthOf(nowMs);
        if (force || !now.equals(month)) {
            refreshLock.lock(); // everyone waits once a month: last month's figures must not be used
            try {
                if (force || !now.equals(month)) refresh(nowMs, now);
            } finally {
                refreshLock.unlock();
            }
        } else if (nowMs - refreshedAtMs >= thresholds.refreshMs() && refreshLock.tryLock()) {
            try {
                if (nowMs - refreshedAtMs >= thresholds.refreshMs()) refresh(nowMs, now);
            } finally {
                refreshLock.unlock();
            }
        }
    }

    /** One indexed range read per provider. Local increments seen before the read are in it: drop them. */
    private void refresh(long nowMs, YearMonth current) {
        long fromMs = startMs(current);
        long toMs = startMs(current.plusMonths(1));
        for (Tally t : tallies.values()) {
            long seenTokens = t.localTokens.get();
            long seenMicros = t.localMicros.get();
            ProviderUsage read;
            try {
                read = source.usage(t.config.name(), fromMs, toMs);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot read the month's usage of provider " + t.config.name()
                        + "; keeping the figures this replica has", e);
                if (!current.equals(month)) t.reset();
                continue;
            }
            t.base = read;
            t.localTokens.addAndGet(-seenTokens);
            t.localMicros.addAndGet(-seenMicros);
        }
        month = current;
        refreshedAtMs = nowMs;
    }

    private BudgetState observe(Tally t) {
        tell(t, month);
        double used = fraction(t);
        BudgetState s = used >= 1.0 ? BudgetState.EXHAUSTED
                : used >= thresholds.switchAt() ? BudgetState.SWITCHING
                : used >= thresholds.warnAt() ? BudgetState.WARNING
                : BudgetState.OK;
        BudgetState before = t.lastState;
        if (s != before) {
            t.lastState = s;
            Counter.builder("tollgate.provider.budget.transitions")
                    .description("Provider budget state changes, by the state entered")
                    .tag("provider", t.config.name()).tag("state", s.wireName()).register(metrics).increment();
            Level level = s == BudgetState.OK ? Level.INFO : Level.WARNING;
            LOG.log(level, String.format(java.util.Locale.ROOT, "provider %s budget: %s -> %s (%.1f %% of its monthly budget used)",
                    t.config.name(), before.wireName(), s.wireName(), used * 100));
        }
        return s;
    }

    private void tell(Tally t, YearMonth m) {
        Long tokenBudget = t.config.monthlyTokenBudget();
        if (tokenBudget != null) watcher.usage(t.config.name(), "tokens", t.tokens(), tokenBudget, m);
        BigDecimal usdBudget = t.config.monthlyUsdBudget();
        if (usdBudget != null) {
            // µcr × USD per credit = µUSD, rounded down to a whole µUSD
            watcher.usage(t.config.name(), "spend_usd_micros", BigDecimal.valueOf(t.micros()).multiply(usdPerCredit).longValue(),
                    usdBudget.multiply(MICROS_PER_USD).longValue(), m);
        }
    }

    private double fraction(Tally t) {
        double used = 0;
        Long tokenBudget = t.config.monthlyTokenBudget();
        if (tokenBudget != null) used = (double) t.tokens() / tokenBudget;
        BigDecimal usdBudget = t.config.monthlyUsdBudget();
        if (usdBudget != null) used = Math.max(used, usd(t).divide(usdBudget, MathContext.DECIMAL64).doubleValue());
        return used;
    }

    /** µcr × USD per credit ÷ 1,000,000: the USD value of the charges at the configured prices. */
    private BigDecimal usd(Tally t) {
        return BigDecimal.valueOf(t.micros()).multiply(usdPerCredit).divide(MICROS_PER_CREDIT, MathContext.DECIMAL64)
                .stripTrailingZeros();
    }

    private static YearMonth monthOf(long epochMs) {
        return YearMonth.from(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC));
    }

    private static long startMs(YearMonth m) {
        return m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** One provider: the ledger's sums at the last read plus this replica's charges since. */
    private static final class Tally {
        final TollgateConfig.Provider config;
        volatile ProviderUsage base = ProviderUsage.ZERO;
        final AtomicLong localTokens = new AtomicLong();
        final AtomicLong localMicros = new AtomicLong();
        volatile BudgetState lastState = BudgetState.OK;

        Tally(TollgateConfig.Provider config) {
            this.config = config;
        }

        boolean budgeted() {
            return config.monthlyTokenBudget() != null || config.monthlyUsdBudget() != null;
        }

        long tokens() { return Math.max(0, base.tokens() + localTokens.get()); }

        long micros() { return Math.max(0, base.micros() + localMicros.get()); }

        void reset() {
            base = ProviderUsage.ZERO;
            localTokens.set(0);
            localMicros.set(0);
        }
    }
}
