package dev.tollgate.provider;

import static dev.tollgate.provider.AdapterHarness.JSON;
import static dev.tollgate.provider.AdapterHarness.collect;
import static dev.tollgate.provider.AdapterHarness.hello;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.provider.anthropic.AnthropicProvider;
import dev.tollgate.provider.gemini.GeminiProvider;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.FakeGemini;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Provider answer → OpenAI answer, pinned by golden files: for each scenario the provider's own
 * body ({@code <scenario>.json}) or event stream ({@code <scenario>.sse}) must translate to exactly
 * {@code <scenario>.openai.json} or {@code <scenario>.chunks.json}. Only the clock-dependent
 * {@code created} and the random part of the ids Tollgate invents for Gemini's calls are normalised. Run with
 * {@code -Dgolden.update=true} to rewrite the expected files after a deliberate change, then review the diff.
 */
class RoundTripGoldenTest {
    static final boolean UPDATE = Boolean.getBoolean("golden.update");
    static FakeAnthropic anthropicUpstream;
    static FakeGemini geminiUpstream;
    static Map<String, ChatProvider> adapters;

    @BeforeAll
    static void start() {
        anthropicUpstream = new FakeAnthropic();
        geminiUpstream = new FakeGemini();
        adapters = Map.of(
                "anthropic", new AnthropicProvider(AdapterHarness.provider("anthropic", anthropicUpstream.baseUrl(), "k", Map.of()),
                        AdapterHarness.SERVER, 1024),
                "gemini", new GeminiProvider(AdapterHarness.provider("gemini", geminiUpstream.baseUrl(), "k", Map.of()),
                        AdapterHarness.SERVER));
    }

    @AfterAll
    static void stop() {
        anthropicUpstream.close();
        geminiUpstream.close();
    }

    @ParameterizedTest
    @CsvSource({"anthropic, text", "anthropic, tools", "anthropic, thinking", "gemini, text", "gemini, tools",
            "gemini, thoughts", "gemini, blocked"})
    void answers(String provider, String scenario) throws Exception {
        JsonNode actual = normalise(adapters.get(provider).complete(hello(scenario, false)).body());
        check(provider + "/" + scenario + ".openai.json", actual);
    }

    @ParameterizedTest
    @CsvSource({"anthropic, text", "anthropic, tools", "anthropic, thinking", "gemini, text", "gemini, tools",
            "gemini, thoughts", "gemini, safety"})
    void streams(String provider, String scenario) throws Exception {
        AdapterHarness.Collected c = collect(adapters.get(provider), hello(scenario, true));
        assertThat(c.failure()).isNull();
        ArrayNode actual = JSON.createArrayNode();
        c.json().forEach(chunk -> actual.add(normalise(chunk)));
        check(provider + "/" + scenario + ".chunks.json", actual);
    }

    private static void check(String name, JsonNode actual) throws IOException {
        Path file = Path.of("src/test/resources/providers", name);
        if (UPDATE) Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        assertThat(actual).as(name).isEqualTo(AdapterHarness.golden(name));
    }

    /** Drops {@code created}; the random part of invented call ids becomes {@code *}; numbers typed as parsed JSON has them. */
    private static JsonNode normalise(JsonNode node) {
        ObjectNode copy = (ObjectNode) AdapterHarness.parse(node.toString());
        copy.remove("created");
        for (JsonNode choice : copy.path("choices")) {
            JsonNode holder = choice.has("message") ? choice.get("message") : choice.get("delta");
            for (JsonNode call : holder.path("tool_calls")) {
                if (call.has("id")) ((ObjectNode) call).put("id", call.path("id").asText().replaceFirst("^call_[0-9a-f]+", "call_*"));
            }
        }
        return copy;
    }
}
