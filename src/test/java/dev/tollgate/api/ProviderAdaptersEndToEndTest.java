package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.FakeGemini;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenAI Java SDK against the running gateway, with models routed to the Anthropic and
 * Gemini adapters (fake upstreams on loopback), and what each answer is charged.
 */
class ProviderAdaptersEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Anthropic "text": 20 input + 100 cache reads + 5 cache writes, 7 output, at $3 / $0.30 cached /
     * $15 per 1M and $0.001 per credit: (25×3 + 100×0.3 + 7×15) µcr-units = 210 → 0.21 credits.
     */
    static final long CLAUDE_COST_MICROS = 210_000;
    /** Gemini "text": 120 prompt (100 cached), 4 + 30 thinking output at $1 / $0.25 / $2: 20 + 25 + 68 = 113. */
    static final long GEMINI_COST_MICROS = 113_000;

    @TempDir
    Path dir;
    FakeAnthropic anthropic;
    FakeGemini gemini;
    TestGateway gw;
    OpenAIClient sdk;

    @BeforeEach
    void start() {
        anthropic = new FakeAnthropic();
        gemini = new FakeGemini();
        gw = TestGateway.start(dir, """
                server:
                  upstream_timeout_ms: 5000
                  stream_idle_timeout_ms: 2000
                providers:
                  - name: claude
                    type: anthropic
                    base_url: %s
                    api_key: sk-ant-api03-gateway-provider-key-0000
                  - name: google
                    type: gemini
                    base_url: %s
                    api_key: AIzaSyGATEWAY-provider-key-0000000000000
                models:
                  - { name: claude-sonnet, provider: claude, upstream: text, price: { input: 3, output: 15, cached_input: 0.3 } }
                  - { name: claude-tools, provider: claude, upstream: tools, price: { input: 3, output: 15 } }
                  - { name: claude-down, provider: claude, upstream: fail-529, price: { input: 3, output: 15 } }
                  - { name: claude-invalid, provider: claude, upstream: fail-400, price: { input: 3, output: 15 } }
                  - { name: claude-badkey, provider: claude, upstream: fail-401, price: { input: 3, output: 15 } }
                  - { name: claude-cut, provider: claude, upstream: cut, price: { input: 3, output: 15 } }
                  - { name: gemini-flash, provider: google, upstream: text, price: { input: 1, output: 2, cached_input: 0.25 } }
                  - { name: gemini-tools, provider: google, upstream: tools, price: { input: 1, output: 2 } }
                aliases:
                  resilient: [claude-down, gemini-flash]
                """.formatted(anthropic.baseUrl(), gemini.baseUrl()), null);
        sdk = OpenAIOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        gw.close();
        anthropic.close();
        gemini.close();
    }

    static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Say hello");
    }

    @Test
    void plainChatThroughAnthropic() {
        ChatCompletion c = sdk.chat().completions().create(params("claude-sonnet").build());
        assertThat(c.choices().get(0).message().content()).contains("Hello from claude");
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("stop");
        CompletionUsage usage = c.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(125);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(100L);
        assertThat(usage.completionTokens()).isEqualTo(7);
        JsonNode sent = anthropic.last().body();
        assertThat(sent.path("system").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(sent.path("max_tokens").asInt()).as("the configured default output cap").isEqualTo(1024);
        assertThat(anthropic.last().headers()).containsEntry("x-api-key", "sk-ant-api03-gateway-provider-key-0000");
    }

    @Test
    void plainChatThroughGemini() {
        ChatCompletion c = sdk.chat().completions().create(params("gemini-flash").build());
        assertThat(c.choices().get(0).message().content()).contains("Hello from gemini");
        CompletionUsage usage = c.usage().orElseThrow();
        assertThat(usage.completionTokens()).isEqualTo(34);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).contains(30L);
        assertThat(gemini.last().body().path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude-sonnet", "gemini-flash"})
    void streamingChatEndsWithUsage(String model) {
        List<String> text = new ArrayList<>();
        List<CompletionUsage> usage = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params(model)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(choice -> {
                    choice.delta().content().ifPresent(text::add);
                    choice.finishReason().ifPresent(f -> finish.add(f.asString()));
                });
                chunk.usage().ifPresent(usage::add);
            });
        }
        String expected = model.startsWith("claude") ? "Hello from claude" : "Hello from gemini";
        assertThat(String.join("", text)).isEqualTo(expected);
        assertThat(finish).containsExactly("stop");
        assertThat(usage).singleElement().satisfies(u ->
                assertThat(u.promptTokensDetails().orElseThrow().cachedTokens()).contains(100L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude-tools", "gemini-tools"})
    void toolCallsReachTheSdk(String model) {
        ChatCompletion c = sdk.chat().completions().create(params(model).build());
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("tool_calls");
        ChatCompletionMessageFunctionToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).contains("Paris");
    }

    @Test
    void anthropicAnswersAreChargedWithCacheReadsAtTheCachedPrice() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("claude-sonnet", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.21");
        assertThat(res.headers().firstValue("x-tollgate-provider")).contains("claude");
        gw.post("/v1/chat/completions", TestGateway.chat("claude-sonnet", true), gw.key);
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS - 2 * CLAUDE_COST_MICROS, 0));
        assertThat(charges()).extracting(HistoryEntry::amountMicros).containsExactly(-CLAUDE_COST_MICROS, -CLAUDE_COST_MICROS);
        assertThat(gw.gateway.ledger().verify().ok()).isTrue();
    }

    @Test
    void geminiAnswersAreChargedWithThinkingAsOutput() throws Exception {
        String body = "{\"model\":\"gemini-flash\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String> events = dev.tollgate.testing.Sse.events(gw.post("/v1/chat/completions", body, gw.key).body());
        assertThat(events).last().isEqualTo("[DONE]");
        JsonNode usage = JSON.readTree(events.get(events.size() - 2)).path("usage");
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo("0.113");
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(30);
        gw.post("/v1/chat/completions", TestGateway.chat("gemini-flash", false), gw.key);
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS - 2 * GEMINI_COST_MICROS, 0));
    }

    @Test
    void anOverloadedAnthropicFallsBackAndOnlyTheAnswerIsCharged() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("resilient", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-provider")).contains("google");
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-GEMINI_COST_MICROS));
    }

    @Test
    void providerErrorsReachTheClientTypedAndFree() throws Exception {
        assertThatThrownBy(() -> sdk.chat().completions().create(params("claude-invalid").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("invalid base64 data");
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("claude-badkey", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.body()).doesNotContain(FakeAnthropic.SECRET_IN_ERRORS).doesNotContain("gateway-provider-key");
        assertThat(charges()).isEmpty();
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
    }

    @Test
    void aCutAnthropicStreamIsChargedForWhatItProduced() throws Exception {
        String request = TestGateway.chat("claude-cut", true);
        HttpResponse<String> res = gw.post("/v1/chat/completions", request, gw.key);
        assertThat(res.body()).contains("Hel").contains("upstream_error");
        JsonNode sent = JSON.readTree(request);
        long expected = Cost.costMicros(new PriceBook(gw.gateway.config()).price("claude-cut"),
                Usage.of(PromptTokens.exact(sent, "cut"), OutputTokens.count("Hel", "cut")));
        assertThat(expected).isPositive();
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-expected));
        assertThat(balance().heldMicros()).isZero();
    }

    Balance balance() { return gw.gateway.ledger().balance(gw.accountId); }

    List<HistoryEntry> charges() {
        return gw.gateway.ledger().history(gw.accountId, 100, null).data().stream().filter(e -> e.type().equals("charge")).toList();
    }
}
