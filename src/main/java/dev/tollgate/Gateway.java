package dev.tollgate;

import dev.tollgate.account.Accounts;
import dev.tollgate.billing.Billing;
import dev.tollgate.cache.ResponseCache;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.limits.Guard;
import dev.tollgate.limits.LocalRateLimits;
import dev.tollgate.limits.QuotaStep;
import dev.tollgate.limits.quota.Quotas;
import dev.tollgate.limits.quota.UsageListener;
import dev.tollgate.limits.RateLimits;
import dev.tollgate.limits.RedisRateLimits;
import dev.tollgate.ledger.LedgerOptions;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.limits.alerts.Alerts;
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
import io.micrometer.core.instrument.MeterRegistry;
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
    private final EmergencyStops stops;
    private final Alerts alerts;
    private final Quotas quotas;
    private final Guard guard;
    private final UsageAnalytics usage;
    private final ResponseCache cache;
    private final dev.tollgate.http.Readiness readiness;

    private Gateway(TollgateConfig config, Database db, Clock clock, Backoff.Sleeper sleeper) {
        this.config = config;
        this.db = db;
        this.clock = clock;
        this.accounts = new Accounts(db, clock, Duration.ofMillis(config.server().keyCacheTtlMs()));
        Map<String, ChatProvider> providers = Providers.create(config);
        this.catalog = new Catalog(config, providers);
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.ledger = new Ledger(db, clock, LedgerOptions.defaults()
                .withSlices(Duration.ofMillis(config.credits().slices() ? config.credits().replicaLeaseMs() : 0))
                .withAsyncCommits(config.credits().asyncDurability()));
        PriceBook prices = new PriceBook(config);
        this.billing = new Billing(ledger, prices, Duration.ofMillis(config.credits().holdTtlMs()), metrics);
        this.budgets = new ProviderBudgets(config, ledger::providerUsage, clock, metrics);
        billing.onCharged((d, usage, postedMicros) ->
                budgets.charged(d.providerName(), usage.promptTokens() + usage.completionTokens(), postedMicros));
        this.alerts = Alerts.start(config.alerts(), db, clock, metrics);
        budgets.watch((provider, metric, used, limit, month) ->
                alerts.observe("provider", provider, metric, used, limit, month.toString(), null));
        this.health = ProviderHealth.create(config, metrics, clock, sleeper);
        this.router = new Router(catalog, AutoPolicy.from(config), prices, budgets, config.routing().sticky(), health.speeds());
        this.usage = new UsageAnalytics(db, config.usage(), clock, metrics);
        dev.tollgate.usage.SystemGauges.register(metrics, config, health, ledger);
        this.stops = new EmergencyStops(db, providers.keySet(), clock, metrics, EmergencyStops.POLL_INTERVAL_MS)
                .autoStopProviders(budgets, config.routing().budgets().autoStopAt()).start();
        this.quotas = Quotas.create(config, db, clock, metrics, (counter, used, limit, period) ->
                alerts.observed(counter.scope(), counter.subject(), counter.metric(), used, limit, period), ledger.leasedReplica());
        this.guard = new Guard(config.limits(), rateLimits(config, metrics, clock), new QuotaStep(quotas, clock), stops,
                metrics);
        this.cache = ResponseCache.create(config.cache(), config.redis(), clock, metrics);
        this.readiness = new dev.tollgate.http.Readiness(db); // GET /ready and the shutdown drain
    }

    /** Local buckets, or with {@code redis:} buckets every replica shares (docs/limits.md). */
    private static RateLimits rateLimits(TollgateConfig config, MeterRegistry metrics, Clock clock) {
        if (config.redis() == null || config.redis().isBlank()) return new LocalRateLimits(clock);
        return new RedisRateLimits(config.redis(), "tollgate:limits:", config.limits().parallelLeaseMs(),
                Duration.ofMillis(config.limits().redisTimeoutMs()), metrics, clock);
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

    /** Emergency stops: the in-memory snapshot the request path reads, kept fresh from the store. */
    public EmergencyStops stops() { return stops; }
    /** Threshold alerts: {@code observe} from the request path, the admin and usage views read them. */
    public Alerts alerts() { return alerts; }

    /** The guard step: plans, rate limits, quotas and budgets (docs/limits.md). */
    public Guard guard() { return guard; }

    /** Monthly quota and budget counters (limits/quota). */
    public Quotas quotas() { return quotas; }

    /** Usage events, rollups and analytics queries (docs/analytics.md). */
    public UsageAnalytics usage() { return usage; }

    /** The exact response cache (docs/caching.md). */
    public ResponseCache cache() { return cache; }

    /** Readiness ({@code GET /ready}) and the count of requests in flight, for a graceful shutdown. */
    public dev.tollgate.http.Readiness readiness() { return readiness; }

    @Override
    public void close() {
        stops.close(); // its poller reads the store
        ledger.close(); // commits what is queued before the store goes away
        alerts.close(); // records queued crossings, ends webhook attempts under way
        usage.close(); // writes the queued usage events before the store goes away
        health.close();
        guard.rates().close();
        quotas.close(); // flushes settled usage to the store, which closes after
        cache.close();
        metrics.close();
        db.close();
    }
}
