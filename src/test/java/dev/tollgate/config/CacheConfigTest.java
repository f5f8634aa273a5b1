package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cache} section, each plan's {@code cache_ttl}, and the cache-write prices (docs/caching.md). */
class CacheConfigTest {
    @TempDir
    Path dir;

    static final String BASE = """
            providers:
              - { name: m, type: mock }
            models:
              - { name: small, provider: m, price: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 } }
              - { name: large, provider: m, price: { input: 1, output: 2, cache_write_1h: 2 } }
            """;

    TollgateConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(file);
    }

    void rejects(String yaml, String... parts) {
        assertThatThrownBy(() -> load(BASE + yaml)).isInstanceOf(ConfigException.class).hasMessageContainingAll(parts);
    }

    @Test
    void defaultsWhenAbsent() throws Exception {
        TollgateConfig c = load(BASE);
        assertThat(c.cache()).isEqualTo(CacheConfig.DEFAULTS);
        assertThat(c.cache().defaultTtlS("any")).isZero();
    }

    @Test
    void readsTheSectionAndPlanDefaults() throws Exception {
        CacheConfig c = load(BASE + """
                cache: { hit_price: 0.1, max_ttl_s: 600, default_ttl_s: 60, max_bytes: 2048, key_prefix: "x:" }
                plans:
                  pro: { cache_ttl: 300 }
                  free: { features: { cache: false } }
                """).cache();
        assertThat(c.hitPrice()).isEqualByComparingTo("0.1");
        assertThat(c.defaultTtlS("pro")).isEqualTo(300);
        assertThat(c.defaultTtlS("free")).isEqualTo(60);
        assertThat(c.defaultTtlS(null)).isEqualTo(60);
        assertThat(c.keyPrefix()).isEqualTo("x:");
    }

    @Test
    void refusesWhatCannotBeMeant() {
        rejects("cache: { hit_price: 1.5 }\n", "cache.hit_price", "from 0 to 1");
        rejects("cache: { max_ttl_s: 99999999 }\n", "cache.max_ttl_s", "30 days");
        rejects("cache: { max_ttl_s: 60, default_ttl_s: 61 }\n", "cache.default_ttl_s");
        rejects("cache: { ttl: 5 }\n", "cache");
        rejects("cache: { max_ttl_s: 60 }\nplans:\n  pro: { cache_ttl: 61 }\n", "plans.pro.cache_ttl", "max_ttl_s");
    }

    @Test
    void cacheWritePricesDefaultToInputThenToTheFiveMinutePrice() throws Exception {
        TollgateConfig c = load(BASE);
        TollgateConfig.Price small = c.models().get(0).price(), large = c.models().get(1).price();
        assertThat(small.cacheWrite()).isEqualByComparingTo("3.75");
        assertThat(small.cacheWrite1h()).isEqualByComparingTo("3.75");
        assertThat(large.cacheWrite()).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(large.cacheWrite1h()).isEqualByComparingTo("2");
    }

    @Test
    void readsAutomaticBreakpointsAndRefusesUnknownNames() throws Exception {
        assertThat(load(BASE).cache().breakpoints()).isEqualTo(PromptBreakpoints.OFF);
        PromptBreakpoints b = load(BASE + """
                cache: { auto_breakpoint: { min_tokens: 1024, models: { large: 0 }, plans: { pro: 2048 } } }
                plans:
                  pro: {}
                """).cache().breakpoints();
        assertThat(b.minTokens(null, "small")).isEqualTo(1024);
        assertThat(b.minTokens(null, "large")).isZero();
        assertThat(b.minTokens("pro", "large")).as("the plan wins").isEqualTo(2048);
        assertThat(b.minTokens("other", "small")).isEqualTo(1024);
        rejects("cache: { auto_breakpoint: { models: { nope: 1 } } }\n", "cache.auto_breakpoint.models.nope", "no model named 'nope'");
        rejects("cache: { auto_breakpoint: { plans: { gold: 1 } } }\n", "no plan named 'gold'");
        rejects("cache: { auto_breakpoint: { min_tokens: -1 } }\n", "cache.auto_breakpoint.min_tokens");
        rejects("cache: { auto_breakpoint: { every: 1 } }\n", "every");
    }
}
