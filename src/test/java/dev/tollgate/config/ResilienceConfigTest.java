package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code routing.retries}, {@code routing.breaker} and the {@code redis} URL (with TOLLGATE_REDIS_URL). */
class ResilienceConfigTest {
    static final String BASE = """
            providers:
              - { name: p, type: mock, rpm: 60 }
            models:
              - { name: m, provider: p, price: free }
            """;

    @TempDir
    Path dir;

    TollgateConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, BASE + yaml);
        return new ConfigLoader(env).load(file);
    }

    @Test
    void defaultsWithoutARoutingSection() throws Exception {
        TollgateConfig c = load("", Map.of());
        assertThat(c.routing().retries()).isEqualTo(new TollgateConfig.Retries(2, 100, 1_000));
        assertThat(c.routing().breaker()).isEqualTo(new TollgateConfig.Breaker(5, 30_000));
        assertThat(c.redis()).isNull();
        assertThat(c.provider("p").rpm()).isEqualTo(60);
    }

    @Test
    void retriesAndBreakerParseNextToAuto() throws Exception {
        TollgateConfig c = load("""
                routing:
                  retries: { max_attempts: 4, base_backoff_ms: 50, max_backoff_ms: 800 }
                  breaker: { failure_threshold: 2, open_ms: 5000 }
                """, Map.of());
        assertThat(c.routing().retries()).isEqualTo(new TollgateConfig.Retries(4, 50, 800));
        assertThat(c.routing().breaker()).isEqualTo(new TollgateConfig.Breaker(2, 5_000));
        assertThat(c.routing().auto()).isNull();
    }

    @Test
    void badValuesNameTheirKeyPath() {
        assertThatThrownBy(() -> load("routing: { retries: { max_attempts: 0 } }\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routing.retries.max_attempts");
        assertThatThrownBy(() -> load("routing: { retries: { base_backoff_ms: 500, max_backoff_ms: 100 } }\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max_backoff_ms");
        assertThatThrownBy(() -> load("routing: { breaker: { open_ms: 0 } }\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routing.breaker.open_ms");
        assertThatThrownBy(() -> load("routing: { breaker: { typo: 1 } }\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("typo");
        assertThatThrownBy(() -> load("redis: 127.0.0.1:6379\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis");
    }

    @Test
    void redisUrlFromTheFileOrTheEnvironment() throws Exception {
        assertThat(load("redis: redis://127.0.0.1:6379\n", Map.of()).redis()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(load("redis: redis://127.0.0.1:6379\n", Map.of("TOLLGATE_REDIS_URL", "redis://10.0.0.1:6380/2")).redis())
                .isEqualTo("redis://10.0.0.1:6380/2");
        assertThat(load("", Map.of("TOLLGATE_REDIS_URL", "redis://10.0.0.1:6380")).redis()).isEqualTo("redis://10.0.0.1:6380");
    }
}
