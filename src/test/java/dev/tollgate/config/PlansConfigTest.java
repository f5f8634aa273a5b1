package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code limits} and {@code plans} (CONTRACT §5): parsed, defaulted, and refused with file and key path. */
class PlansConfigTest {
    @TempDir
    Path dir;

    static final String BASE = """
            providers:
              - { name: m, type: mock }
            models:
              - { name: small, provider: m, price: free }
              - { name: large, provider: m, price: free }
            aliases:
              best: [large, small]
            """;

    TollgateConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(file);
    }

    void rejects(String yaml, String... parts) {
        assertThatThrownBy(() -> load(BASE + yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("tollgate.yaml").toString()).hasMessageContainingAll(parts);
    }

    @Test
    void withoutTheSectionsEveryKeyHas60RpmAndThereAreNoPlans() throws Exception {
        Limits limits = load(BASE).limits();
        assertThat(limits.defaultRpm()).isEqualTo(60);
        assertThat(limits.parallelLeaseMs()).isEqualTo(30_000);
        assertThat(limits.plans()).isEmpty();
    }

    @Test
    void aFullPlanIsReadAsWritten() throws Exception {
        Limits limits = load(BASE + """
                limits: { default_rpm: 0, parallel_lease_ms: 5000 }
                plans:
                  free:
                    rpm: 5
                    tpm: 20000
                    max_parallel: 2
                    monthly: { messages: 100, tokens: 100000, images: 5 }
                    monthly_budget: 50.25
                    models: [small, best]
                    max_context: 4096
                    features: { images: false, cache: false }
                    price: "$0/month"
                    description: For trying it out
                    alert_thresholds: [95, 80, 100]
                  premium: { price: 20 }
                """).limits();
        assertThat(limits.defaultRpm()).isZero();
        assertThat(limits.parallelLeaseMs()).isEqualTo(5000);
        assertThat(limits.plans().keySet()).containsExactly("free", "premium");
        Limits.Plan free = limits.plan("free");
        assertThat(free.rpm()).isEqualTo(5);
        assertThat(free.tpm()).isEqualTo(20000);
        assertThat(free.maxParallel()).isEqualTo(2);
        assertThat(free.monthly()).isEqualTo(new Limits.Monthly(100L, 100000L, 5L));
        assertThat(free.monthlyBudgetMicros()).isEqualTo(50_250_000L);
        assertThat(free.models()).containsExactly("small", "best");
        assertThat(free.maxContext()).isEqualTo(4096);
        assertThat(free.features()).isEqualTo(new Limits.Features(false, false));
        assertThat(free.price()).isEqualTo("$0/month");
        assertThat(free.description()).isEqualTo("For trying it out");
        assertThat(free.alertThresholds()).isEqualTo(List.of(80, 95, 100));
        Limits.Plan premium = limits.plan("premium");
        assertThat(premium.price()).isEqualTo("20");
        assertThat(premium.rpm()).isNull();
        assertThat(premium.models()).isNull();
        assertThat(premium.features()).isEqualTo(Limits.Features.ALL);
        assertThat(premium.monthly()).isEqualTo(Limits.Monthly.NONE);
        assertThat(premium.alertThresholds()).isNull();
        assertThat(Set.copyOf(premium.allows("anything") ? List.of(true) : List.of())).containsExactly(true);
    }

    @Test
    void mistakesAreRefusedWithTheirKeyPath() {
        rejects("plans: { free: { rmp: 5 } }\n", "plans.free.rmp", "unknown key");
        rejects("plans: { free: { rpm: -5 } }\n", "plans.free.rpm", "at least 0");
        rejects("plans: { free: { monthly: { messages: -1 } } }\n", "plans.free.monthly.messages", "at least 0");
        rejects("plans: { free: { monthly: { chats: 1 } } }\n", "plans.free.monthly.chats", "unknown key");
        rejects("plans: { free: { monthly_budget: -2 } }\n", "plans.free.monthly_budget", "negative");
        rejects("plans: { free: { monthly_budget: 0.0000001 } }\n", "plans.free.monthly_budget", "6 decimals");
        rejects("plans: { free: { models: [small, gpt-5] } }\n", "plans.free.models[1]", "gpt-5");
        rejects("plans: { free: { models: [small, small] } }\n", "plans.free.models[1]", "twice");
        rejects("plans: { free: { max_context: 0 } }\n", "plans.free.max_context", "at least 1");
        rejects("plans: { free: { features: { images: maybe } } }\n", "plans.free.features.images", "true or false");
        rejects("plans: { free: { features: { video: true } } }\n", "plans.free.features.video", "unknown key");
        rejects("plans: { free: { alert_thresholds: [80, 120] } }\n", "plans.free.alert_thresholds[1]", "1 to 100");
        rejects("plans: { free: { alert_thresholds: [0] } }\n", "plans.free.alert_thresholds[0]", "1 to 100");
        rejects("plans: { free: 5 }\n", "plans.free", "mapping");
        rejects("plans: [free]\n", "plans", "mapping");
        rejects("limits: { default_rpm: -1 }\n", "limits.default_rpm", "at least 0");
        rejects("limits: { default_tpm: 1 }\n", "limits.default_tpm", "unknown key");
        rejects("limits: { parallel_lease_ms: 10 }\n", "limits.parallel_lease_ms", "at least 1000");
    }

    @Test
    void theWorkedConfigOfDocsLimitsLoads() throws Exception {
        String doc = Files.readString(Path.of("docs/limits.md"));
        int start = doc.indexOf("# tiers.yaml");
        String yaml = doc.substring(start, doc.indexOf("```", start));
        Limits limits = load(yaml).limits();
        assertThat(limits.plans().keySet()).containsExactly("free", "premium", "enterprise", "platform");
        assertThat(limits.plans().values().stream().map(p -> p.monthly().messages()).toList())
                .containsExactly(100L, 2_000L, 10_000L, 100_000L);
        assertThat(limits.plans().values().stream().map(p -> p.monthly().tokens()).toList())
                .containsExactly(100_000L, 5_000_000L, 50_000_000L, 500_000_000L);
        assertThat(limits.plans().values().stream().map(p -> p.monthly().images()).toList())
                .containsExactly(5L, 100L, 1_000L, 10_000L);
        assertThat(limits.plans().values().stream().map(Limits.Plan::rpm).toList()).containsExactly(5, 50, 1000, 0);
    }
}
