package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code credits.slices}, {@code credits.replica_lease_ms} and {@code credits.durability} (docs/billing.md). */
class CreditsConfigTest {
    @TempDir
    Path dir;

    static final String BASE = """
            providers:
              - { name: m, type: mock }
            models:
              - { name: small, provider: m, price: { input: 1, output: 2 } }
            """;

    TollgateConfig.Credits load(String credits) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, credits + BASE);
        return new ConfigLoader(Map.of()).load(file).credits();
    }

    @Test
    void slicesOnDurableChargesAndAFiveSecondLeaseByDefault() throws Exception {
        TollgateConfig.Credits c = load("");
        assertThat(c.slices()).isTrue();
        assertThat(c.replicaLeaseMs()).isEqualTo(5_000);
        assertThat(c.asyncDurability()).isFalse();
    }

    @Test
    void eachCanBeSet() throws Exception {
        TollgateConfig.Credits c = load("credits: { slices: false, replica_lease_ms: 2000, durability: async }\n");
        assertThat(c.slices()).isFalse();
        assertThat(c.replicaLeaseMs()).isEqualTo(2_000);
        assertThat(c.asyncDurability()).isTrue();
    }

    @Test
    void badValuesNameTheField() {
        assertThatThrownBy(() -> load("credits: { durability: later }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("durability", "'sync' or 'async'", "later");
        assertThatThrownBy(() -> load("credits: { slices: maybe }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("slices", "true or false");
        assertThatThrownBy(() -> load("credits: { replica_lease_ms: 10 }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("replica_lease_ms");
    }
}
