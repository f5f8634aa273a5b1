package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worst-case hold covers everything a request can make a provider generate: every one of its
 * {@code n} (or {@code best_of}) answers, the larger of its two output caps, a declared thinking
 * budget. A request whose real usage could exceed what the account can pay is refused (402) before
 * any provider is called — never served and under-charged.
 */
class HoldCoversEveryAnswerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** 1 credit per output token, input free of charge but not a free model: the arithmetic stays readable. */
    static final String CONFIG = """
            credits: { usd_per_credit: 0.001, default_output_tokens: 50 }
            providers:
              - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
              - { name: gem, type: gemini, base_url: "${UPSTREAM}", api_key: gem-test-key-1234567890 }
            models:
              - { name: per-token, provider: fake, price: { input: 0, output: 1000 } }
              - { name: gem-per-token, provider: gem, price: { input: 0, output: 1000 } }
            """;

    @TempDir
    Path dir;
    ScriptedOpenAi upstream;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new ScriptedOpenAi();
        gw = TestGateway.start(dir, CONFIG, upstream.baseUrl());
        StringBuilder choices = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            if (i > 0) choices.append(',');
            choices.append("{\"index\":").append(i).append(",\"message\":{\"role\":\"assistant\",\"content\":\"answer\"},\"finish_reason\":\"length\"}");
        }
        upstream.answer("per-token", "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"per-token\",\"choices\":["
                + choices + "],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1000,\"total_tokens\":1005}}");
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    @Test
    void tenAnswersAreHeldForTenTimesTheCap() throws Exception {
        String poor = key("poor", "150");
        String request = "{\"model\":\"per-token\",\"n\":10,\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        JsonNode estimate = JSON.readTree(gw.post("/v1/estimate", request, poor).body());
        assertThat(estimate.path("estimated_output_tokens").asLong()).isEqualTo(1000);
        assertThat(estimate.path("max_cost").decimalValue()).isEqualByComparingTo("1000");
        assertThat(estimate.path("sufficient").asBoolean()).isFalse();

        HttpResponse<String> refused = gw.post("/v1/chat/completions", request, poor);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(402);
        assertThat(JSON.readTree(refused.body()).path("error").path("message").asText()).contains("needs up to 1000 credits");
        assertThat(upstream.requests).as("no provider was called").isEmpty();

        String rich = key("rich", "1000");
        HttpResponse<String> served = gw.post("/v1/chat/completions", request, rich);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(JSON.readTree(served.body()).path("choices")).hasSize(10);
        assertThat(served.headers().firstValue("x-tollgate-cost")).hasValue("1000");
        assertThat(gw.gateway.metrics().scrape()).contains("tollgate_billing_shortfall_micros_total 0.0");
    }

    @Test
    void bestOfCountsAsAnswersAndTheLargerCapWins() throws Exception {
        String key = key("est", "10");
        assertThat(maxCost(key, "\"best_of\":4,\"max_tokens\":10")).isEqualTo("40");
        assertThat(maxCost(key, "\"n\":2,\"best_of\":3,\"max_tokens\":10")).isEqualTo("30");
        assertThat(maxCost(key, "\"max_tokens\":10,\"max_completion_tokens\":70")).isEqualTo("70");
        assertThat(maxCost(key, "\"max_tokens\":70,\"max_completion_tokens\":10")).isEqualTo("70");
        assertThat(maxCost(key, "\"n\":3")).as("n × default_output_tokens").isEqualTo("150");
    }

    @Test
    void geminiAnswersAreCountedToo() throws Exception {
        String key = key("gem", "10");
        JsonNode e = JSON.readTree(gw.post("/v1/estimate", "{\"model\":\"gem-per-token\",\"n\":3,\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key).body());
        assertThat(e.path("provider").asText()).isEqualTo("gem");
        assertThat(e.path("max_cost").decimalValue()).isEqualByComparingTo("60");
    }

    @Test
    void aDeclaredThinkingBudgetIsHeldWhenNoCapBoundsIt() throws Exception {
        String key = key("think", "10");
        assertThat(maxCost(key, "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}")).isEqualTo("2050");
        assertThat(maxCost(key, "\"thinkingConfig\":{\"thinkingBudget\":300}")).isEqualTo("350");
        // an explicit cap includes thinking on every provider (Anthropic, Gemini, OpenAI reasoning)
        assertThat(maxCost(key, "\"max_tokens\":100,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":80}")).isEqualTo("100");
    }

    @Test
    void answerCountsAreBounded() throws Exception {
        for (String bad : new String[] {"\"n\":129", "\"n\":1000000", "\"n\":0", "\"best_of\":500", "\"n\":2.5"}) {
            HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"per-token\"," + bad
                    + ",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
            assertThat(res.statusCode()).as(bad).isEqualTo(400);
            JsonNode error = JSON.readTree(res.body()).path("error");
            assertThat(error.path("param").asText()).isIn("n", "best_of");
            assertThat(error.path("message").asText()).contains("from 1 to 128");
        }
        assertThat(upstream.requests).isEmpty();
    }

    @Test
    void audioAnswersAreRefusedBecauseTheyCannotBePriced() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"per-token\",\"modalities\":[\"text\",\"audio\"],"
                + "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).path("error").path("message").asText()).contains("Audio output is not supported");
        assertThat(upstream.requests).isEmpty();
    }

    private String maxCost(String key, String fields) throws Exception {
        HttpResponse<String> res = gw.post("/v1/estimate", "{\"model\":\"per-token\"," + fields
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return JSON.readTree(res.body()).path("max_cost").decimalValue().stripTrailingZeros().toPlainString();
    }

    private String key(String name, String credits) throws Exception {
        JsonNode account = JSON.readTree(gw.post("/admin/accounts", "{\"name\":\"" + name + "\",\"credits\":\"" + credits + "\"}",
                TestGateway.ADMIN_TOKEN).body());
        return JSON.readTree(gw.post("/admin/accounts/" + account.path("id").asText() + "/keys", "{}",
                TestGateway.ADMIN_TOKEN).body()).path("key").asText();
    }
}
