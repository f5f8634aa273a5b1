package dev.tollgate.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code limits} and {@code plans} sections (CONTRACT §5), validated. In every limit field null means
 * "not set here" (the next level decides) and 0 means unlimited; docs/limits.md has the resolution order.
 *
 * @param defaultRpm requests per minute per key when neither the key nor its account or plan sets one; 0 = unlimited
 * @param parallelLeaseMs with Redis, how long a max_parallel slot outlives the last renewal by the replica
 * @param redisTimeoutMs with Redis, how long one limits call may take before rate limits fail open and quotas closed
 *                   holding it (renewed every third of it while the request runs), so a dead replica's slots expire
 * @param plans      by name, in the YAML's order
 */
public record Limits(int defaultRpm, long parallelLeaseMs, long redisTimeoutMs, Map<String, Plan> plans) {
    public static final Limits DEFAULT = new Limits(60, 30_000, 500, Map.of());

    public Plan plan(String name) {
        return name == null ? null : plans.get(name);
    }

    /**
     * One plan. {@code monthlyBudgetMicros}: spend per calendar month (UTC) in µcr. {@code models}: the public
     * names (models or aliases) a request may name; null = all. {@code maxContext}: prompt tokens. {@code price}
     * and {@code description}: display text only (for {@code /v1/plans} and the dashboard), never used to bill.
     * {@code alertThresholds}: percents for the alerts (null = the alerts section's default).
     * {@code maxPresets}: presets an account may own (docs/presets.md); null or 0 = unlimited.
     */
    public record Plan(String name, Integer rpm, Integer tpm, Integer maxParallel, Monthly monthly,
                       Long monthlyBudgetMicros, Set<String> models, Integer maxContext, Features features,
                       String price, String description, List<Integer> alertThresholds, Integer maxPresets) {
        /** A plan without a preset limit. */
        public Plan(String name, Integer rpm, Integer tpm, Integer maxParallel, Monthly monthly,
                    Long monthlyBudgetMicros, Set<String> models, Integer maxContext, Features features,
                    String price, String description, List<Integer> alertThresholds) {
            this(name, rpm, tpm, maxParallel, monthly, monthlyBudgetMicros, models, maxContext, features, price,
                    description, alertThresholds, null);
        }

        public boolean allows(String publicModel) {
            return models == null || models.contains(publicModel);
        }
    }

    /** Calendar-month quotas in UTC; null = no quota on that metric. */
    public record Monthly(Long messages, Long tokens, Long images) {
        public static final Monthly NONE = new Monthly(null, null, null);
    }

    /** What a plan may use; both allowed unless the plan says false. */
    public record Features(boolean images, boolean cache) {
        public static final Features ALL = new Features(true, true);
    }
}
