package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model capabilities, provider USD budgets and routing.budgets: parsed, defaulted and validated with key paths. */
class SelectionConfigTest {
    @TempDir
    Path dir;

    static final String BASE = """
            providers:
              - { name: m, type: mock, monthly_token_budget: 1000, monthly_usd_budget: 12.5 }
            models:
              - { name: a, provider: m, price: free, capabilities: [tools, vision] }
              - { name: b, provider: m, price: free }
              - { name: c, provider: m, price: free, capabilities: [] }
            """;

    TollgateConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(file);
    }

    void rejects(String yaml, String... parts) {
        assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).hasMessageContainingAll(parts);
    }

    @Test
    void capabilitiesDefaultToAllAndAnEmptyListMeansNone() throws Exception {
        TollgateConfig c = load(BASE);
        assertThat(c.models().get(0).capabilities()).isEqualTo(Set.of("tools", "vision"));
        assertThat(c.models().get(0).can("json_schema")).isFalse();
        assertThat(c.models().get(1).capabilities()).isNull();
        assertThat(c.models().get(1).can("json_schema")).isTrue();
        assertThat(c.models().get(2).can("tools")).isFalse();
        assertThat(c.providers().get(0).monthlyUsdBudget()).isEqualByComparingTo("12.5");
        assertThat(c.routing().budgets()).isEqualTo(TollgateConfig.Budgets.DEFAULT);
    }

    @Test
    void badCapabilitiesAreRefused() {
        rejects(BASE.replace("[tools, vision]", "[tools, telepathy]"), "models[0].capabilities[1]", "unknown capability 'telepathy'");
        rejects(BASE.replace("[tools, vision]", "[tools, tools]"), "models[0].capabilities[1]", "listed twice");
        rejects(BASE.replace("[tools, vision]", "tools"), "models[0].capabilities", "must be a list");
    }

    @Test
    void budgetsSectionIsValidated() throws Exception {
        TollgateConfig c = load(BASE + "routing:\n  budgets: { warn_at: 0.5, switch_at: 0.9, refresh_ms: 1000 }\n");
        assertThat(c.routing().budgets()).isEqualTo(new TollgateConfig.Budgets(0.5, 0.9, 1000));
        assertThat(c.routing().auto()).isNull();
        rejects(BASE + "routing:\n  budgets: { warn_at: 0.96 }\n", "routing.budgets.warn_at", "must not be above switch_at");
        rejects(BASE + "routing:\n  budgets: { switch_at: 1.5 }\n", "routing.budgets.switch_at", "at most 1");
        rejects(BASE + "routing:\n  budgets: { stop_at: 1 }\n", "routing.budgets");
        rejects(BASE.replace("monthly_usd_budget: 12.5", "monthly_usd_budget: 0"), "providers[0].monthly_usd_budget", "greater than 0");
    }
}
