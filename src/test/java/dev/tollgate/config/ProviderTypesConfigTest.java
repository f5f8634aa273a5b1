package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.provider.ChatProvider;
import dev.tollgate.provider.Providers;
import dev.tollgate.provider.anthropic.AnthropicProvider;
import dev.tollgate.provider.gemini.GeminiProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config for the anthropic and gemini provider types: default base URLs, required keys, extra headers. */
class ProviderTypesConfigTest {
    @TempDir
    Path dir;

    TollgateConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).load(file);
    }

    @Test
    void anthropicAndGeminiDefaultToTheirPublicEndpoints() throws Exception {
        TollgateConfig c = load("""
                providers:
                  - { name: claude, type: anthropic, api_key: "${ANTHROPIC_API_KEY}" }
                  - { name: google, type: gemini, api_key: "${GEMINI_API_KEY}" }
                """, Map.of("ANTHROPIC_API_KEY", "sk-ant-x", "GEMINI_API_KEY", "AIza-x"));
        assertThat(c.provider("claude").baseUrl()).isEqualTo("https://api.anthropic.com/v1");
        assertThat(c.provider("claude").apiKey()).isEqualTo("sk-ant-x");
        assertThat(c.provider("google").baseUrl()).isEqualTo("https://generativelanguage.googleapis.com/v1beta");
        assertThat(c.provider("google").headers()).isEmpty();
        Map<String, ChatProvider> adapters = Providers.create(c);
        assertThat(adapters.get("claude")).isInstanceOf(AnthropicProvider.class);
        assertThat(adapters.get("google")).isInstanceOf(GeminiProvider.class);
    }

    @Test
    void baseUrlAndHeadersCanBeSet() throws Exception {
        TollgateConfig c = load("""
                providers:
                  - name: claude
                    type: anthropic
                    base_url: https://proxy.example.com/anthropic/v1/
                    api_key: k
                    headers: { anthropic-beta: "${BETA}" }
                """, Map.of("BETA", "prompt-caching-2024-07-31"));
        assertThat(c.provider("claude").baseUrl()).isEqualTo("https://proxy.example.com/anthropic/v1");
        assertThat(c.provider("claude").headers()).containsExactly(Map.entry("anthropic-beta", "prompt-caching-2024-07-31"));
    }

    @Test
    void aKeyIsRequiredForAnthropicAndGemini() {
        for (String type : new String[] {"anthropic", "gemini"}) {
            assertThatThrownBy(() -> load("providers: [ { name: p, type: " + type + " } ]\n", Map.of()))
                    .isInstanceOf(ConfigException.class).hasMessageContainingAll("providers[0].api_key", "is required");
        }
    }

    @Test
    void badHeadersAreRefused() {
        assertThatThrownBy(() -> load("providers: [ { name: p, type: gemini, api_key: k, headers: { \"bad header\": x } } ]\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a valid header name");
        assertThatThrownBy(() -> load("providers: [ { name: p, type: gemini, api_key: k, headers: [a] } ]\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContainingAll("providers[0].headers", "mapping");
        assertThatThrownBy(() -> load("providers: [ { name: p, type: openai, base_url: \"http://x\", headers: { a: b } } ]\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContainingAll("providers[0].headers", "anthropic and gemini only");
        for (String reserved : new String[] {"Host", "x-api-key", "Content-Length"}) {
            assertThatThrownBy(() -> load("providers: [ { name: p, type: anthropic, api_key: k, headers: { " + reserved + ": x } } ]\n", Map.of()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be configured");
        }
    }
}
