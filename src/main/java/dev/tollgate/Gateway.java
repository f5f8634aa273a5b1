package dev.tollgate;

import dev.tollgate.account.Accounts;
import dev.tollgate.billing.Billing;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.ChatProvider;
import dev.tollgate.provider.Providers;
import dev.tollgate.routing.Catalog;
import dev.tollgate.routing.Router;
import dev.tollgate.routing.auto.AutoPolicy;
import dev.tollgate.routing.budget.ProviderBudgets;
import dev.tollgate.routing.health.Backoff;
import dev.tollgate.routing.health.ProviderHealth;
import dev.tollgate.store.Database;
import dev.tollgate.usage.UsageAnalytics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a Tollgate process runs on, wired once from a validated config: store, accounts,
 * providers, catalog, metrics. The server and the CLI both open one of these.
 */
public final class Gateway implements AutoCloseable {
    private final TollgateConfig config;
    private final Database db;
    private final Accounts accounts;
    private final Catalog catalog;
    private final PrometheusMeterRegistry metrics;
    private final Clock clock;
    private final Ledger ledger;
    private final Billing billing;
    private final ProviderBudgets budgets;
    private final Router router;
    private final ProviderHealth health;
    private final UsageAnalytics usage;

    private Gateway(TollgateConfig config, Database db, Clock clock, Backoff.Sleeper sleeper) {
        this.config = config;
        this.db = db;
        this.clock = clock;
        this.accounts = new Accounts(db, clock, Duration.ofMillis(config.server().keyCacheTtlMs()));
        Map<String, ChatProvider> providers = Providers.create(config);
        this.catalog = new Catalog(config, providers);
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.ledger = new Ledger(db, clock, LedgerOptions.defaults());
        PriceBook prices = new PriceBook(config);
        this.billing = new Billing(ledger, prices, Duration.ofMillis(config.credits().holdTtlMs()), metrics);
        this.budgets = new ProviderBudgets(config, ledger::providerUsage, clock, metrics);
        billing.onCharged((d, usage, postedMicros) ->
                budgets.charged(d.providerName(), usage.promptTokens() + usage.completionTokens(), postedMicros));
        this.router = new Router(catalog, AutoPolicy.from(config), prices, budgets);
        this.health = ProviderHealth.create(config, metrics, clock, sleeper);
        this.usage = new UsageAnalytics(db, config.usage(), clock, metrics);
        dev.tollgate.usage.SystemGauges.register(metrics, config, health, ledger);
    }

    public static Gateway open(TollgateConfig config, String storeUrl, Clock clock) {
        return open(config, storeUrl, clock, Backoff.Sleeper.REAL);
    }

    /** {@code sleeper}: how retry backoff waits (tests pass one that returns at once). */
    public static Gateway open(TollgateConfig config, String storeUrl, Clock clock, Backoff.Sleeper sleeper) {
        return new Gateway(config, Database.open(storeUrl), clock, sleeper);
    }

    public TollgateConfig config() { return config; }

    public Database database() { return db; }

    public Accounts accounts() { return accounts; }

    public Catalog catalog() { return catalog; }

    public PrometheusMeterRegistry metrics() { return metrics; }

    public Clock clock() { return clock; }

    public Ledger ledger() { return ledger; }

    public Billing billing() { return billing; }

    public ProviderBudgets budgets() { return budgets; }

    public Router router() { return router; }
    /** Breakers, provider rpm limits and retry backoff for the attempt loop; read-only snapshot for admin. */
    public ProviderHealth health() { return health; }

    /** Usage events, rollups and analytics queries (docs/analytics.md). */
    public UsageAnalytics usage() { return usage; }

    @Override
    public void close() {
        ledger.close(); // commits what is queued before the store goes away
        usage.close(); // writes the queued usage events, likewise
        health.close();
        metrics.close();
        db.close();
    }
}
