package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageConfigTest {
    @TempDir
    Path dir;

    static final String BASE = """
            providers: [ { name: m, type: mock } ]
            models: [ { name: a, provider: m, price: free } ]
            """;

    TollgateConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, BASE + yaml);
        return new ConfigLoader(Map.of()).load(file);
    }

    @Test
    void defaultsWhenAbsent() throws Exception {
        assertThat(load("").usage()).isEqualTo(TollgateConfig.UsageSettings.DEFAULTS);
        assertThat(TollgateConfig.UsageSettings.DEFAULTS.retentionDays()).isEqualTo(30);
        assertThat(TollgateConfig.UsageSettings.DEFAULTS.accessLog()).isEqualTo("off");
    }

    @Test
    void everyKeyParses() throws Exception {
        TollgateConfig.UsageSettings u = load("""
                usage: { retention_days: 90, access_log: stdout, log_prompts: true, queue_capacity: 1000, task_analysis: false,
                        events: false }
                """).usage();
        assertThat(u).isEqualTo(new TollgateConfig.UsageSettings(90, "stdout", true, 1000, false, false));
    }

    @Test
    void mistakesNameTheKey() {
        assertThatThrownBy(() -> load("usage: { retention_days: 0 }\n")).hasMessageContaining("usage.retention_days")
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> load("usage: { retention: 3 }\n")).hasMessageContaining("usage.retention")
                .hasMessageContaining("unknown key");
        assertThatThrownBy(() -> load("usage: { log_prompts: yes please }\n")).hasMessageContaining("usage.log_prompts");
        assertThatThrownBy(() -> load("usage: { events: sometimes }\n")).hasMessageContaining("usage.events")
                .hasMessageContaining("true or false");
    }
}
