package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/messages/count_tokens}: the Anthropic upstream's own count (the body passed through, only the
 * model changed), jtokkit for OpenAI vocabularies, the upper bound elsewhere; free, authenticated, stoppable.
 */
class CountTokensTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MESSAGES = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Count me, please.\","
            + "\"cache_control\":{\"type\":\"ephemeral\"}}]}]";
    @TempDir
    static Path dir;
    static FakeAnthropic anthropic;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        anthropic = new FakeAnthropic();
        gw = TestGateway.start(dir, """
                providers:
                  - { name: claude, type: anthropic, base_url: "${UPSTREAM}", api_key: sk-ant-test-key-1234567890 }
                  - { name: oai, type: openai, base_url: "http://127.0.0.1:9/v1", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: sonnet, provider: claude, upstream: claude-sonnet-4-5, price: { input: 3, output: 15 } }
                  - { name: broken-claude, provider: claude, upstream: fail-500, price: { input: 3, output: 15 } }
                  - { name: mini, provider: oai, upstream: gpt-4o-mini, price: { input: 1, output: 2 } }
                  - { name: other, provider: oai, upstream: llama-3-8b, price: { input: 1, output: 2 } }
                """, anthropic.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        anthropic.close();
    }

    static String request(String model) {
        return "{\"model\":\"" + model + "\",\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\"}],\"messages\":" + MESSAGES + "}";
    }

    /** The OpenAI chat request the gateway counts for {@link #request}. */
    static JsonNode translated(String upstream) throws Exception {
        return JSON.readTree("{\"model\":\"" + upstream + "\",\"max_tokens\":1,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Count me, please.\"}]}");
    }

    @Test
    void anAnthropicUpstreamCountsExactlyWithTheBodyPassedThrough() throws Exception {
        int before = anthropic.requests.size();
        HttpResponse<String> res = gw.post(CountTokens.PATH, request("sonnet"), gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(anthropic.requests).hasSize(before + 1);
        FakeAnthropic.Received got = anthropic.last();
        assertThat(got.path()).isEqualTo("/v1/messages/count_tokens");
        JsonNode expected = JSON.readTree(request("claude-sonnet-4-5"));
        assertThat(got.body()).as("cache_control and system blocks intact; only model changed").isEqualTo(expected);
        assertThat(JSON.readTree(res.body()).path("input_tokens").asLong()).isEqualTo(FakeAnthropic.countTokensFor(expected));
        assertThat(res.headers().firstValue("x-tollgate-token-count")).hasValue("provider");
    }

    @Test
    void openAiVocabulariesAreCountedExactlyAndOthersBounded() throws Exception {
        HttpResponse<String> mini = gw.post(CountTokens.PATH, request("mini"), gw.key);
        assertThat(mini.headers().firstValue("x-tollgate-token-count")).hasValue("exact");
        long exact = JSON.readTree(mini.body()).path("input_tokens").asLong();
        assertThat(exact).isEqualTo(PromptTokens.exact(translated("gpt-4o-mini"), "gpt-4o-mini")).isPositive();

        HttpResponse<String> other = gw.post(CountTokens.PATH, request("other"), gw.key);
        assertThat(other.headers().firstValue("x-tollgate-token-count")).hasValue("estimate");
        long bound = JSON.readTree(other.body()).path("input_tokens").asLong();
        assertThat(bound).isEqualTo(PromptTokens.upperBound(translated("llama-3-8b"), "llama-3-8b")).isGreaterThan(exact);
    }

    @Test
    void aFailingProviderCountIsReplacedByTheGatewaysOwn() throws Exception {
        HttpResponse<String> res = gw.post(CountTokens.PATH, request("broken-claude"), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-token-count")).hasValue("estimate");
    }

    @Test
    void freeAuthenticatedAndValidated() throws Exception {
        long balance = gw.gateway.ledger().balance(gw.accountId).postedMicros();
        gw.post(CountTokens.PATH, request("sonnet"), gw.key);
        assertThat(gw.gateway.ledger().balance(gw.accountId).postedMicros()).isEqualTo(balance);
        assertThat(gw.gateway.ledger().balance(gw.accountId).heldMicros()).isZero();

        HttpResponse<String> anonymous = gw.post(CountTokens.PATH, request("sonnet"), null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
        HttpResponse<String> bad = gw.post(CountTokens.PATH, "{\"model\":\"sonnet\",\"messages\":\"no\"}", gw.key);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(gw.post(CountTokens.PATH, request("nope"), gw.key).statusCode()).isEqualTo(404);
    }

    @Test
    void anEmergencyStopRefusesIt() throws Exception {
        HttpResponse<String> created = gw.post("/admin/emergency-stop",
                "{\"scope\":\"account\",\"id\":\"" + gw.accountId + "\",\"reason\":\"counting spree\"}", TestGateway.ADMIN_TOKEN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        try {
            HttpResponse<String> res = gw.post(CountTokens.PATH, request("sonnet"), gw.key);
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.body()).contains("counting spree");
        } finally {
            gw.delete("/admin/emergency-stop/" + JSON.readTree(created.body()).path("id").asText(), TestGateway.ADMIN_TOKEN);
        }
    }

    @Test
    void theAnthropicSdkCountsTokens() {
        AnthropicClient client = AnthropicOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl()).maxRetries(0).build();
        MessageTokensCount count = client.messages().countTokens(MessageCountTokensParams.builder()
                .model("mini").addUserMessage("Count me, please.").build());
        assertThat(count.inputTokens()).isPositive();
    }
}
