package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code alerts} section: thresholds, the webhook and its Standard Webhooks secret. */
class AlertsConfigTest {
    static final String BASE = """
            providers:
              - { name: p, type: mock }
            models:
              - { name: m, provider: p, price: free }
            """;
    static final String SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    @TempDir
    Path dir;

    TollgateConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, BASE + yaml);
        return new ConfigLoader(env).load(file);
    }

    TollgateConfig load(String yaml) throws Exception {
        return load(yaml, Map.of());
    }

    @Test
    void withoutASectionAlertsFireAt80_95_100AndAreOnlyRecorded() throws Exception {
        TollgateConfig.Alerts a = load("").alerts();
        assertThat(a.thresholds()).containsExactly(80, 95, 100);
        assertThat(a.webhookUrl()).isNull();
        assertThat(a.webhookSecret()).isNull();
        assertThat(a.maxAttempts()).isEqualTo(5);
        assertThat(a.backoffMs()).isEqualTo(2_000);
    }

    @Test
    void aFullSectionParsesAndTheSecretComesFromTheEnvironment() throws Exception {
        TollgateConfig.Alerts a = load("""
                alerts:
                  thresholds: [50, 90, 100]
                  webhook_url: https://ops.example.com/tollgate
                  webhook_secret: ${TOLLGATE_WEBHOOK_SECRET}
                  max_attempts: 3
                  backoff_ms: 100
                  timeout_ms: 1500
                """, Map.of("TOLLGATE_WEBHOOK_SECRET", SECRET)).alerts();
        assertThat(a).isEqualTo(new TollgateConfig.Alerts(List.of(50, 90, 100), "https://ops.example.com/tollgate",
                SECRET, 3, 100, 1_500));
        assertThat(a.toString()).as("never print the secret").doesNotContain(SECRET.substring(6)).contains("***");
    }

    @Test
    void anEmptyListTurnsAlertsOff() throws Exception {
        assertThat(load("alerts: { thresholds: [] }\n").alerts().thresholds()).isEmpty();
    }

    @Test
    void badThresholdsNameTheirPath() {
        assertThatThrownBy(() -> load("alerts: { thresholds: [80, 80] }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.thresholds[1]").hasMessageContaining("ascending");
        assertThatThrownBy(() -> load("alerts: { thresholds: [95, 80] }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ascending");
        assertThatThrownBy(() -> load("alerts: { thresholds: [0] }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.thresholds[0]").hasMessageContaining("1 to 100");
        assertThatThrownBy(() -> load("alerts: { thresholds: [101] }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("1 to 100");
        assertThatThrownBy(() -> load("alerts: { thresholds: [80.5] }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("whole percent");
        assertThatThrownBy(() -> load("alerts: { threshold: [80] }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.threshold");
    }

    @Test
    void theWebhookNeedsAnHttpUrlAndADecodableSecret() {
        assertThatThrownBy(() -> load("alerts: { webhook_url: ftp://x, webhook_secret: " + SECRET + " }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.webhook_url").hasMessageContaining("http");
        assertThatThrownBy(() -> load("alerts: { webhook_url: https://x.example }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.webhook_secret").hasMessageContaining("required");
        assertThatThrownBy(() -> load("alerts: { webhook_secret: " + SECRET + " }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.webhook_url");
        String notBase64 = "whsec_not*base64*at*all*but*long*enough";
        assertThatThrownBy(() -> load("alerts: { webhook_url: https://x.example, webhook_secret: '" + notBase64 + "' }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.webhook_secret")
                .hasMessageContaining("base64").hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> load("alerts: { webhook_url: https://x.example, webhook_secret: whsec_c2hvcnQ= }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("24 to 64 bytes, got 5");
        assertThatThrownBy(() -> load("alerts: { webhook_url: https://x.example, webhook_secret: " + SECRET + ", max_attempts: 0 }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.max_attempts");
    }
}
