package dev.tollgate.api.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.Json;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/conversations/{id}/stats}: requests, tokens and cost of one conversation, its response-cache hits
 * and hit rate, provider prompt-cached tokens and what caching saved — equal to the charges, and only the caller's.
 */
class ConversationStatsTest {
    @TempDir
    static Path dir;
    static FakeOpenAi openai;
    static FakeAnthropic anthropic;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        openai = new FakeOpenAi();
        anthropic = new FakeAnthropic();
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: fake, type: openai, base_url: "%s", api_key: sk-test-provider-key-1234567890 }
                  - { name: claude, type: anthropic, base_url: "%s", api_key: sk-ant-api03-gateway-provider-key-0000 }
                models:
                  - { name: gpt-4o-mini, provider: fake, price: { input: 1, output: 2 } }
                  - { name: claude-sonnet, provider: claude, upstream: text, price: { input: 3, output: 15, cached_input: 0.3 } }
                """.formatted(openai.baseUrl(), anthropic.baseUrl()), null);
    }

    @AfterAll
    static void stop() {
        gw.close();
        openai.close();
        anthropic.close();
    }

    static String conversation() {
        return json(gw.post("/v1/conversations", "{}", gw.key).body()).path("id").asText();
    }

    static JsonNode chat(String conversation, String model, boolean cache) {
        var r = gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"conversation_id\":\"" + conversation + "\""
                + (cache ? ",\"cache\":{\"ttl\":600}" : "") + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    static JsonNode stats(String conversation, String key) {
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        var r = gw.get("/v1/conversations/" + conversation + "/stats", key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    static JsonNode json(String body) {
        return Json.parseOrNull(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aResponseCacheHitInOneConversationCountsThereWithWhatItSaved() {
        String first = conversation();
        String second = conversation();
        JsonNode miss = chat(first, "gpt-4o-mini", true);
        JsonNode hit = chat(second, "gpt-4o-mini", true); // same empty history and question: the same cache key
        long missMicros = Credits.micros(miss.path("usage").path("cost").decimalValue().toPlainString());
        assertThat(hit.path("usage").path("cost").decimalValue().signum()).as("hit price 0").isZero();

        JsonNode a = stats(first, gw.key);
        assertThat(a.path("requests").asLong()).isEqualTo(1);
        assertThat(a.path("input_tokens").asLong()).isEqualTo(12);
        assertThat(a.path("output_tokens").asLong()).isEqualTo(3);
        assertThat(Credits.micros(a.path("cost").decimalValue().toPlainString())).isEqualTo(missMicros);
        assertThat(a.path("cache").path("hits").asLong()).isZero();

        JsonNode b = stats(second, gw.key);
        assertThat(b.path("requests").asLong()).isEqualTo(1);
        assertThat(b.path("cache").path("hits").asLong()).isEqualTo(1);
        assertThat(b.path("cache").path("hit_rate").asDouble()).isEqualTo(1.0);
        assertThat(Credits.micros(b.path("cache").path("credits_saved").decimalValue().toPlainString())).isEqualTo(missMicros);
        assertThat(b.path("input_tokens").asLong()).as("a hit uses no tokens").isZero();

        chat(second, "gpt-4o-mini", false); // its history differs now: a real call
        JsonNode b2 = stats(second, gw.key);
        assertThat(b2.path("requests").asLong()).isEqualTo(2);
        assertThat(b2.path("cache").path("hit_rate").asDouble()).isEqualTo(0.5);
    }

    @Test
    void providerPromptCachingShowsAsCachedTokensAndSavings() {
        String c = conversation();
        JsonNode answer = chat(c, "claude-sonnet", false);
        JsonNode s = stats(c, gw.key);
        assertThat(s.path("input_tokens").asLong()).isEqualTo(125);
        assertThat(s.path("cache").path("cached_tokens").asLong()).isEqualTo(100);
        assertThat(s.path("cache").path("cached_token_rate").asDouble()).isEqualTo(0.8);
        // 100 cached tokens at 0.3 instead of 3 USD per 1M: 0.00027 USD = 0.27 credits saved = 270,000 µcr
        assertThat(Credits.micros(s.path("cache").path("credits_saved").decimalValue().toPlainString())).isEqualTo(270_000);
        assertThat(Credits.micros(s.path("cost").decimalValue().toPlainString()))
                .isEqualTo(Credits.micros(answer.path("usage").path("cost").decimalValue().toPlainString()));
    }

    @Test
    void anEmptyConversationHasZeroStatsAndOthersSeeNone() {
        String c = conversation();
        JsonNode s = stats(c, gw.key);
        assertThat(s.path("requests").asLong()).isZero();
        assertThat(s.path("cache").path("hit_rate").asDouble()).isZero();
        String other = gw.gateway.accounts().create("other-" + System.nanoTime(), null).id();
        String otherKey = gw.gateway.accounts().createKey(other, "k", null, null).secret();
        assertThat(gw.get("/v1/conversations/" + c + "/stats", otherKey).statusCode()).isEqualTo(404);
    }
}
