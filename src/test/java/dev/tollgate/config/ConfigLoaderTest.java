package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    TollgateConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).load(file);
    }

    void rejects(String yaml, String... messageParts) {
        assertThatThrownBy(() -> load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("tollgate.yaml").toString() + ": ")
                .hasMessageContainingAll(messageParts);
    }

    static final String PROVIDER = """
            providers:
              - { name: openai, type: openai, base_url: "https://api.openai.com/v1/", api_key: "${OPENAI_API_KEY}" }
            """;

    @Test
    void fullContractExampleLoads() throws Exception {
        TollgateConfig c = load("""
                store: ${DB:-jdbc:sqlite:./data/tollgate.db}
                credits: { usd_per_credit: 0.001, default_output_tokens: 512 }
                providers:
                  - name: openai
                    type: openai
                    base_url: https://api.openai.com/v1/
                    api_key: ${OPENAI_API_KEY}
                    rpm: 500
                    monthly_token_budget: 140000
                models:
                  - name: gpt-4o-mini
                    provider: openai
                    upstream: gpt-4o-mini-2024-07-18
                    price: { input: 0.15, output: 0.60, cached_input: 0.075 }
                    context_window: 128000
                  - { name: gpt-4o, provider: openai, price: { input: 2.5, output: 10 } }
                  - { name: local, provider: openai, price: free }
                aliases:
                  gpt-4: [gpt-4o, gpt-4o-mini]
                plans: {}
                """, Map.of("OPENAI_API_KEY", "sk-abc"));
        assertThat(c.store()).isEqualTo("jdbc:sqlite:./data/tollgate.db");
        assertThat(c.credits().defaultOutputTokens()).isEqualTo(512);
        TollgateConfig.Provider p = c.provider("openai");
        assertThat(p.apiKey()).isEqualTo("sk-abc");
        assertThat(p.baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(p.rpm()).isEqualTo(500);
        assertThat(p.monthlyTokenBudget()).isEqualTo(140000L);
        assertThat(c.models().get(0).upstream()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(c.models().get(0).price().cachedInput()).isEqualByComparingTo("0.075");
        assertThat(c.models().get(1).upstream()).isEqualTo("gpt-4o");
        assertThat(c.models().get(1).price().cachedInput()).as("defaults to input").isEqualByComparingTo("2.5");
        assertThat(c.models().get(2).free()).isTrue();
        assertThat(c.aliases()).containsEntry("gpt-4", java.util.List.of("gpt-4o", "gpt-4o-mini"));
        assertThat(c.server().maxBodyBytes()).isEqualTo(4L * 1024 * 1024);
    }

    @Test
    void environmentDefaultsApply() throws Exception {
        TollgateConfig c = load("store: ${MISSING:-jdbc:sqlite:x.db}\nredis: ${REDIS_URL:-}\n", Map.of());
        assertThat(c.store()).isEqualTo("jdbc:sqlite:x.db");
        assertThat(c.redis()).isEmpty();
        assertThat(c.credits().usdPerCredit()).isEqualByComparingTo(new BigDecimal("0.001"));
    }

    @Test
    void unsetVariableWithoutDefaultNamesIt() {
        rejects(PROVIDER, "providers[0].api_key", "OPENAI_API_KEY is not set");
    }

    @Test
    void modelWithoutPriceIsRefused() {
        rejects("providers: [ { name: m, type: mock } ]\nmodels: [ { name: x, provider: m } ]\n",
                "models[0].price", "price: free");
    }

    @Test
    void mistakesNameTheirKeyPath() {
        rejects("providers: [ { name: m, type: mock } ]\nmodels: [ { name: x, provider: nope, price: free } ]\n",
                "models[0].provider", "no provider named 'nope'");
        rejects("providers: [ { name: m, type: mock } ]\nmodels: [ { name: x, provider: m, price: { input: -1, output: 1 } } ]\n",
                "models[0].price.input", "must not be negative");
        rejects("providers: [ { name: m, type: mock } ]\nmodels: [ { name: x, provider: m, price: { input: 1 } } ]\n",
                "models[0].price.output", "is required");
        rejects("providers: [ { name: m, type: carrier-pigeon } ]\n", "providers[0].type", "unknown provider type");
        rejects("providers: [ { name: m, type: openai } ]\n", "providers[0].base_url", "is required");
        rejects("providers: [ { name: m, type: mock, rmp: 5 } ]\n", "providers[0].rmp", "unknown key");
        rejects("credits: { usd_per_credit: zero }\n", "credits.usd_per_credit", "must be a number");
        rejects("providers: [ { name: m, type: mock } ]\nmodels: [ { name: x, provider: m, price: free } ]\naliases: { y: [x, z] }\n",
                "aliases.y[1]", "no model named 'z'");
        rejects("providers: [ { name: m, type: mock }, { name: m, type: mock } ]\n", "providers[1].name", "duplicate");
        rejects("server: { max_body_bytes: 10 }\n", "server.max_body_bytes", "at least");
        rejects("stroe: x\n", "stroe", "unknown key");
        rejects("models: [\n", "not valid YAML");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(dir.resolve("nope.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml").hasMessageContaining("file not found");
    }

    @Test
    void demoConfigLoads() {
        TollgateConfig demo = new ConfigLoader(Map.of()).loadDemo();
        assertThat(demo.models()).extracting(TollgateConfig.Model::name).contains("mock-small", "mock-large");
        assertThat(demo.provider("mock").type()).isEqualTo("mock");
    }
}
