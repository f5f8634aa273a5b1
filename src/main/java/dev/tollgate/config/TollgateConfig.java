package dev.tollgate.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, validated. Field names mirror the YAML keys (CONTRACT §2).
 * Everything here is immutable; a running server never sees a half-valid config.
 */
public record TollgateConfig(
        String source,
        String store,
        String redis,
        Credits credits,
        Server server,
        List<Provider> providers,
        List<Model> models,
        Map<String, List<String>> aliases,
        Routing routing,
        Limits limits,
        Alerts alerts,
        UsageSettings usage,
        CacheConfig cache,
        StateConfig state) {

    /** A config without {@code conversations} or {@code images} sections: their defaults. */
    public TollgateConfig(String source, String store, String redis, Credits credits, Server server,
                          List<Provider> providers, List<Model> models, Map<String, List<String>> aliases, Routing routing,
                          Limits limits, Alerts alerts, UsageSettings usage, CacheConfig cache) {
        this(source, store, redis, credits, server, providers, models, aliases, routing, limits, alerts, usage, cache,
                StateConfig.DEFAULTS);
    }

    /** A config without {@code usage} or {@code cache} sections: analytics and the response cache at their defaults. */
    public TollgateConfig(String source, String store, String redis, Credits credits, Server server,
                          List<Provider> providers, List<Model> models, Map<String, List<String>> aliases, Routing routing,
                          Limits limits, Alerts alerts) {
        this(source, store, redis, credits, server, providers, models, aliases, routing, limits, alerts,
                UsageSettings.DEFAULTS, CacheConfig.DEFAULTS);
    }

    /** A config without a {@code routing} section (the canonical constructor's other callers). */
    public TollgateConfig(String source, String store, String redis, Credits credits, Server server,
                          List<Provider> providers, List<Model> models, Map<String, List<String>> aliases) {
        this(source, store, redis, credits, server, providers, models, aliases, Routing.NONE);
    }

    /** A config without {@code limits} or {@code plans} ({@link Limits#DEFAULT}: 60 rpm per key). */
    public TollgateConfig(String source, String store, String redis, Credits credits, Server server,
                          List<Provider> providers, List<Model> models, Map<String, List<String>> aliases,
                          Routing routing) {
        this(source, store, redis, credits, server, providers, models, aliases, routing, Limits.DEFAULT, Alerts.DEFAULTS);
    }

    /**
     * {@code alerts} (docs/alerts.md): {@code thresholds} in percent, ascending (empty: no alerts);
     * {@code webhookUrl} null when no webhook is configured, then {@code webhookSecret} is null too.
     * {@code webhookSecret} is the Standard Webhooks {@code whsec_…} string; never logged (see toString).
     * A failed delivery is tried {@code maxAttempts} times in all, {@code backoffMs} before the second,
     * doubling after; each attempt gives up after {@code timeoutMs}.
     */
    public record Alerts(List<Integer> thresholds, String webhookUrl, String webhookSecret, int maxAttempts,
                         long backoffMs, long timeoutMs) {
        public static final List<Integer> DEFAULT_THRESHOLDS = List.of(80, 95, 100);
        public static final Alerts DEFAULTS = new Alerts(DEFAULT_THRESHOLDS, null, null, 5, 2_000, 5_000);

        @Override
        public String toString() {
            return "Alerts[thresholds=" + thresholds + ", webhookUrl=" + webhookUrl + ", webhookSecret="
                    + (webhookSecret == null ? "null" : "***") + ", maxAttempts=" + maxAttempts
                    + ", backoffMs=" + backoffMs + ", timeoutMs=" + timeoutMs + "]";
        }
    }

    /**
     * {@code holdTtlMs}: how long a hold may stay open before the ledger releases it by itself.
     * {@code slices}: requests hold against this replica's credit slice in memory (docs/billing.md
     * "Credit slices"); {@code replicaLeaseMs}: how long a dead replica's slices tie up credits;
     * {@code asyncDurability}: charges commit without waiting for the disk (credits.durability: async).
     */
    public record Credits(BigDecimal usdPerCredit, int defaultOutputTokens, long holdTtlMs, boolean slices,
                          long replicaLeaseMs, boolean asyncDurability) {
        public Credits(BigDecimal usdPerCredit, int defaultOutputTokens, long holdTtlMs) {
            this(usdPerCredit, defaultOutputTokens, holdTtlMs, true, 5_000, false);
        }
    }

    /** Edge limits and timeouts; every one is bounded and named with its unit. */
    /** {@code corsAllowedOrigins}: browser origins allowed to call {@code /v1/*} (docs/configuration.md); empty: none. */
    public record Server(long maxBodyBytes, long upstreamConnectTimeoutMs, long upstreamTimeoutMs,
                         long streamIdleTimeoutMs, long keyCacheTtlMs, String upstreamClient, List<String> corsAllowedOrigins) {
        public Server(long maxBodyBytes, long upstreamConnectTimeoutMs, long upstreamTimeoutMs,
                      long streamIdleTimeoutMs, long keyCacheTtlMs, String upstreamClient) {
            this(maxBodyBytes, upstreamConnectTimeoutMs, upstreamTimeoutMs, streamIdleTimeoutMs, keyCacheTtlMs,
                    upstreamClient, List.of());
        }
    }

    /**
     * {@code headers}: extra HTTP headers sent with every call to this provider (e.g. anthropic-beta).
     * {@code monthlyTokenBudget} / {@code monthlyUsdBudget}: optional, per calendar month in UTC (docs/routing.md).
     */
    public record Provider(String name, String type, String baseUrl, String apiKey, Integer rpm,
                           Long monthlyTokenBudget, BigDecimal monthlyUsdBudget, long latencyMs, long chunkDelayMs,
                           Map<String, String> headers) {
        /** A provider without a USD budget. */
        public Provider(String name, String type, String baseUrl, String apiKey, Integer rpm,
                        Long monthlyTokenBudget, long latencyMs, long chunkDelayMs, Map<String, String> headers) {
            this(name, type, baseUrl, apiKey, rpm, monthlyTokenBudget, null, latencyMs, chunkDelayMs, headers);
        }
    }

    /**
     * USD per 1M tokens. {@code cachedInput} defaults to {@code input}. {@code image} (USD per
     * generated image) is null unless the model configures {@code price.image}. {@code cacheWrite}
     * (prompt-cache writes, Anthropic's 5-minute TTL) defaults to {@code input}; {@code cacheWrite1h}
     * (Anthropic's 1-hour TTL) defaults to {@code cacheWrite}.
     */
    public record Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput, ImagePrice image,
                        BigDecimal cacheWrite, BigDecimal cacheWrite1h) {
        public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

        public Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {
            this(input, output, cachedInput, null);
        }

        public Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput, ImagePrice image) {
            this(input, output, cachedInput, image, input, input);
        }
    }

    /** {@code price.image}: USD per image by size ("1024x1024", "default"), optionally per quality. */
    public record ImagePrice(Map<String, BigDecimal> bySize, Map<String, Map<String, BigDecimal>> byQuality) {}

    /**
     * {@code capabilities}: what the model can do, from {@link #CAPABILITIES}; null when the config
     * does not say, which means every capability (the provider is trusted to refuse what it cannot do).
     */
    public record Model(String name, String provider, String upstream, Price price, boolean free,
                        Integer contextWindow, java.util.Set<String> capabilities) {
        /**
         * {@code pdf}: {@code file} parts (Anthropic {@code document} blocks); {@code audio}: {@code input_audio} parts;
         * {@code completions}: the provider serves this model on its legacy {@code /completions} endpoint (else a
         * {@code /v1/completions} request is translated to chat for it).
         */
        public static final List<String> CAPABILITIES = List.of("tools", "vision", "json_schema", "pdf", "audio", "completions");

        /** A model that declares no capabilities (so has all of them). */
        public Model(String name, String provider, String upstream, Price price, boolean free, Integer contextWindow) {
            this(name, provider, upstream, price, free, contextWindow, null);
        }

        public boolean can(String capability) {
            return capabilities == null || capabilities.contains(capability);
        }
    }

    /**
     * The optional {@code routing} section; {@code auto} is null when the config has no {@code routing.auto};
     * {@code budgets}, {@code retries} and {@code breaker} are never null (their defaults when absent).
     */
    /** {@code sticky}: {@code routing.sticky}, sticky routing among equal deployments (docs/routing.md; default off). */
    public record Routing(Auto auto, Budgets budgets, Retries retries, Breaker breaker, boolean sticky) {
        public static final Routing NONE = new Routing(null);

        public Routing(Auto auto, Budgets budgets, Retries retries, Breaker breaker) {
            this(auto, budgets, retries, breaker, false);
        }

        /** Everything but {@code auto} at its defaults. */
        public Routing(Auto auto) {
            this(auto, Budgets.DEFAULT, Retries.DEFAULTS, Breaker.DEFAULTS);
        }
    }

    /**
     * {@code routing.budgets}: a provider whose monthly usage reaches {@code warnAt} of a budget is
     * {@code warning}, at {@code switchAt} its deployments move behind the others, at 1.0 it is
     * skipped. {@code refreshMs}: how often a replica re-reads the month's usage from the ledger.
     * {@code autoStopAt} (null = never): at that fraction an emergency stop of the provider is made,
     * once per month (docs/operations.md "Emergency stop").
     */
    public record Budgets(double warnAt, double switchAt, long refreshMs, Double autoStopAt) {
        public static final Budgets DEFAULT = new Budgets(0.80, 0.95, 5_000);

        public Budgets(double warnAt, double switchAt, long refreshMs) {
            this(warnAt, switchAt, refreshMs, null);
        }
    }

    /**
     * {@code routing.retries}: {@code maxAttempts} calls to one deployment (the first included) before the next
     * candidate; between them an exponential backoff from {@code baseBackoffMs}, capped at {@code maxBackoffMs}.
     */
    public record Retries(int maxAttempts, long baseBackoffMs, long maxBackoffMs) {
        public static final Retries DEFAULTS = new Retries(2, 100, 1_000);
    }

    /** {@code routing.breaker}: {@code failureThreshold} consecutive retryable failures open it for {@code openMs}. */
    public record Breaker(int failureThreshold, long openMs) {
        public static final Breaker DEFAULTS = new Breaker(5, 30_000);
    }

    /**
     * {@code routing.auto}: for {@code "model": "auto"}. {@code policy} maps task type → complexity → ranked
     * candidates, in the YAML's order; a (task, complexity) cell it leaves out falls back to the default policy
     * derived from the models' prices. {@code minQuality} (0..1) drops candidates scored below it.
     */
    public record Auto(Map<String, Map<String, List<AutoCandidate>>> policy, double minQuality) {
        /** The names the YAML may use; {@code dev.tollgate.routing.auto} has the matching enums. */
        public static final List<String> TASK_TYPES =
                List.of("coding", "math", "summarization", "extraction", "translation", "creative", "general");
        public static final List<String> COMPLEXITIES = List.of("simple", "medium", "complex");
    }

    /** A public model name (model or alias) with its quality score (0..1) for one (task, complexity) cell. */
    public record AutoCandidate(String model, double quality) {}

    /**
     * {@code usage}: raw usage events are kept {@code retentionDays} (rollups forever); {@code accessLog} is
     * {@code stdout}, {@code off} or a file path; {@code logPrompts} adds the prompt to access-log lines;
     * {@code queueCapacity} bounds the events waiting for the writer (more are dropped and counted);
     * {@code taskAnalysis}: record the prompt analyser's task type for chat requests that neither declare
     * one nor use {@code model: auto} (a few µs of CPU per request; off: their task is unknown).
     */
    /** {@code events}: false stores no usage events (no analytics; metrics and the access log stay). */
    public record UsageSettings(int retentionDays, String accessLog, boolean logPrompts, int queueCapacity,
                                boolean taskAnalysis, boolean events) {
        public static final UsageSettings DEFAULTS = new UsageSettings(30, "off", false, 50_000, true, true);
    }

    public Provider provider(String name) {
        for (Provider p : providers) {
            if (p.name().equals(name)) return p;
        }
        return null;
    }
}
