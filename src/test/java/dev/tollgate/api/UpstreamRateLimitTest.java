package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every candidate rate limited upstream (HTTP 429): the client gets 429 {@code rate_limit_exceeded} with the
 * smallest Retry-After any provider asked for, so SDKs raise their RateLimitError (and their own retries wait
 * for it); a 429 does not open the breaker. A mix of 429 and 5xx stays a 502.
 */
class UpstreamRateLimitTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = """
            server: { upstream_timeout_ms: 2000, stream_idle_timeout_ms: 1000 }
            limits: { default_rpm: 0 }
            routing:
              retries: { max_attempts: 1 }
              breaker: { failure_threshold: 2, open_ms: 30000 }
            providers:
              - { name: a, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
              - { name: b, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
            models:
              - { name: slow-a, provider: a, upstream: retry-after-3-a, price: { input: 1, output: 2 } }
              - { name: slow-b, provider: b, upstream: retry-after-1-b, price: { input: 1, output: 2 } }
              - { name: broken, provider: b, upstream: fail-500, price: { input: 1, output: 2 } }
            aliases:
              limited: [slow-a, slow-b]
              mixed: [slow-a, broken]
            """;

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestClock clock;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        clock = new TestClock();
        gw = TestGateway.start(dir, CONFIG, upstream.baseUrl(), "jdbc:sqlite:" + dir.resolve("tollgate.db"), clock, clock.sleeper());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    @Test
    void everyCandidateRateLimitedIs429WithTheSmallestRetryAfter() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("limited", stream), gw.key);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(429);
            JsonNode error = JSON.readTree(res.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(res.headers().firstValue("retry-after")).as("min(3 s, 1 s)").hasValue("1");
            assertThat(res.headers().firstValue("x-tollgate-attempts")).hasValue(
                    "slow-a@a=rate_limited/429; slow-b@b=rate_limited/429");
        }
        assertThat(upstream.calls("retry-after-3-a")).isEqualTo(2);
        assertThat(gw.gateway.ledger().history(gw.accountId, 10, null).data()).as("nothing charged")
                .noneMatch(e -> e.type().equals("charge"));
    }

    @Test
    void aRateLimitMixedWithAServerErrorIsStill502() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("mixed", false), gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(502);
        assertThat(JSON.readTree(res.body()).path("error").path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void theAnthropicEndpointAnswers429InItsOwnShape() throws Exception {
        HttpResponse<String> res = gw.post("/v1/messages",
                "{\"model\":\"limited\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(res.body()).path("error").path("type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void openAiSdkWithoutRetriesRaisesRateLimitException() {
        OpenAIClient client = sdk(0);
        assertThatThrownBy(() -> client.chat().completions().create(params()))
                .isInstanceOf(RateLimitException.class);
        assertThat(upstream.calls("retry-after-1-b")).isEqualTo(1);
    }

    @Test
    void openAiSdkRetriesWaitForRetryAfterAndNeverOpenTheBreaker() {
        OpenAIClient client = sdk(2);
        long startNs = System.nanoTime();
        assertThatThrownBy(() -> client.chat().completions().create(params()))
                .as("after its own retries the SDK still sees a rate limit, not a 502 from an open breaker")
                .isInstanceOf(RateLimitException.class);
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertThat(upstream.calls("retry-after-1-b")).as("1 + 2 SDK retries, each reaching the provider").isEqualTo(3);
        assertThat(upstream.calls("retry-after-3-a")).isEqualTo(3);
        assertThat(elapsedMs).as("the SDK waited the 1 s Retry-After between its tries").isGreaterThanOrEqualTo(1_900);
    }

    @Test
    void anthropicSdkRaisesRateLimitExceptionWithRetriesOffAndOn() {
        for (int retries : new int[] {0, 1}) {
            int before = upstream.calls("retry-after-1-b");
            com.anthropic.client.AnthropicClient client = com.anthropic.client.okhttp.AnthropicOkHttpClient.builder()
                    .apiKey(gw.key).baseUrl(gw.baseUrl()).maxRetries(retries).build();
            assertThatThrownBy(() -> client.messages().create(com.anthropic.models.messages.MessageCreateParams.builder()
                    .model("limited").maxTokens(10).addUserMessage("hi").build()))
                    .as("retries=" + retries).isInstanceOf(com.anthropic.errors.RateLimitException.class);
            assertThat(upstream.calls("retry-after-1-b") - before).as("one provider call per SDK try").isEqualTo(1 + retries);
        }
    }

    OpenAIClient sdk(int maxRetries) {
        return OpenAIOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl() + "/v1").maxRetries(maxRetries).build();
    }

    static ChatCompletionCreateParams params() {
        return ChatCompletionCreateParams.builder().model("limited").addUserMessage("hi").build();
    }
}
