package dev.tollgate.api;

import static dev.tollgate.testing.ScriptedOpenAi.completion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.SseException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Anthropic Java SDK, unmodified, against the running gateway (mock and OpenAI-compatible upstreams). */
class AnthropicSdkCompatibilityTest {
    @TempDir
    static Path dir;
    static ScriptedOpenAi upstream;
    static TestGateway gw;
    static AnthropicClient client;

    @BeforeAll
    static void start() throws Exception {
        upstream = new ScriptedOpenAi();
        gw = TestGateway.start(dir, MessagesWireTest.config(), upstream.baseUrl());
        client = sdk(gw.key);
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    static AnthropicClient sdk(String key) {
        return AnthropicOkHttpClient.builder().apiKey(key).baseUrl(gw.baseUrl()).maxRetries(0).build();
    }

    static MessageCreateParams.Builder params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).system("Be brief.").addUserMessage("tell me about gateways");
    }

    @Test
    void plainMessage() {
        Message m = client.messages().create(params("mock-small").build());
        assertThat(m.id()).startsWith("msg_");
        assertThat(m.model().asString()).isEqualTo("mock-small");
        assertThat(m.content()).singleElement().satisfies(b ->
                assertThat(b.text().orElseThrow().text()).isEqualTo("This is a mock answer to: tell me about gateways"));
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isEqualTo(10); // one token per word
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage()._additionalProperties()).containsKey("cost");
    }

    @Test
    void maxTokensStopsTheAnswer() {
        Message m = client.messages().create(params("mock-small").maxTokens(3).build());
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("This is a");
        assertThat(m.stopReason()).contains(StopReason.MAX_TOKENS);
    }

    @Test
    void streamingMessageAccumulatesTextAndFinalUsage() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params("mock-small").build())) {
            stream.stream().peek(accumulator::accumulate)
                    .flatMap(e -> e.contentBlockDelta().stream())
                    .flatMap(e -> e.delta().text().stream())
                    .forEach(t -> deltas.add(t.text()));
        }
        Message m = accumulator.message();
        assertThat(String.join("", deltas)).isEqualTo("This is a mock answer to: tell me about gateways");
        assertThat(m.content()).singleElement().satisfies(b ->
                assertThat(b.text().orElseThrow().text()).isEqualTo("This is a mock answer to: tell me about gateways"));
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isEqualTo(10); // one token per word
        Message plain = client.messages().create(params("mock-small").build());
        assertThat(m.usage().inputTokens()).isEqualTo(plain.usage().inputTokens()).isPositive();
    }

    @Test
    void toolUseRoundTrip() throws Exception {
        upstream.answer("tools", completion("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_w1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}", "\"tool_calls\"",
                "{\"prompt_tokens\":40,\"completion_tokens\":12,\"total_tokens\":52}"));
        Tool weather = Tool.builder().name("get_weather").description("Current weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .required(List.of("city")).build())
                .build();
        MessageCreateParams.Builder conversation = MessageCreateParams.builder().model("tools").maxTokens(200)
                .addTool(weather).addUserMessage("What is the weather in Paris?");
        Message first = client.messages().create(conversation.build());
        assertThat(first.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock call = first.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(call.id()).isEqualTo("call_w1");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));

        upstream.answer("tools", completion("{\"role\":\"assistant\",\"content\":\"It is 18C and sunny in Paris.\"}", "\"stop\"",
                "{\"prompt_tokens\":60,\"completion_tokens\":9,\"total_tokens\":69}"));
        Message second = client.messages().create(conversation.addMessage(first)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(call.id()).content("18C, sunny").build())))
                .build());
        assertThat(second.content()).extracting(ContentBlock::text).extracting(t -> t.orElseThrow().text())
                .containsExactly("It is 18C and sunny in Paris.");
        JsonNode sent = upstream.lastRequest();
        assertThat(sent.path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("messages").get(1).path("tool_calls").get(0).path("id").asText()).isEqualTo("call_w1");
        assertThat(sent.path("messages").get(1).path("tool_calls").get(0).path("function").path("arguments").asText())
                .isEqualTo("{\"city\":\"Paris\"}");
        assertThat(sent.path("messages").get(2).path("role").asText()).isEqualTo("tool");
        assertThat(sent.path("messages").get(2).path("tool_call_id").asText()).isEqualTo("call_w1");
        assertThat(sent.path("messages").get(2).path("content").asText()).isEqualTo("18C, sunny");
    }

    @Test
    void streamBrokenMidwayIsAnSseException() {
        upstream.streamThenCut("cutmid", ScriptedOpenAi.chunk("{\"role\":\"assistant\",\"content\":\"par\"}", null));
        List<String> deltas = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params("cutmid").build())) {
                stream.stream().flatMap(e -> e.contentBlockDelta().stream())
                        .flatMap(e -> e.delta().text().stream()).forEach(t -> deltas.add(t.text()));
            }
        }).isInstanceOf(SseException.class);
        assertThat(deltas).containsExactly("par");
    }

    @Test
    void badKeyIs401() {
        AnthropicClient bad = sdk("tg-" + "b".repeat(43));
        assertThatThrownBy(() -> bad.messages().create(params("mock-small").build()))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("authentication_error");
    }

    @Test
    void unknownModelIs404() {
        assertThatThrownBy(() -> client.messages().create(params("no-such-model").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no-such-model");
    }

    @Test
    void insufficientCreditsIs402() {
        String poor = gw.gateway.accounts().create("poor", null).id();
        AnthropicClient broke = sdk(gw.gateway.accounts().createKey(poor, "k", null, null).secret());
        assertThatThrownBy(() -> broke.messages().create(params("mock-small").build()))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(402))
                .hasMessageContaining("billing_error");
    }
}
