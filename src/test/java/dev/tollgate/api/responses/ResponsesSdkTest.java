package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.FakeGemini;
import dev.tollgate.testing.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenAI Java SDK's {@code client.responses()}, unmodified, against the gateway with the
 * models on an Anthropic-type provider: the Responses API translated all the way to Anthropic's Messages.
 * {@code validate()} proves every field the SDK requires is present.
 */
class ResponsesSdkTest {
    @TempDir
    static Path dir;
    static FakeAnthropic anthropic;
    static FakeGemini gemini;
    static TestGateway gw;
    static OpenAIClient sdk;

    @BeforeAll
    static void start() {
        anthropic = new FakeAnthropic();
        gemini = new FakeGemini();
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                server: { upstream_timeout_ms: 5000, stream_idle_timeout_ms: 2000 }
                providers:
                  - { name: claude, type: anthropic, base_url: "%s", api_key: sk-ant-api03-gateway-provider-key-0000 }
                  - { name: google, type: gemini, base_url: "%s", api_key: AIzaSyGATEWAY-provider-key-0000000000000 }
                  - { name: mock, type: mock }
                models:
                  - { name: claude-sonnet, provider: claude, upstream: text, price: { input: 3, output: 15, cached_input: 0.3 } }
                  - { name: claude-tools, provider: claude, upstream: tools, price: { input: 3, output: 15 } }
                  - { name: gemini-flash, provider: google, upstream: text, price: { input: 1, output: 2 } }
                  - { name: mock-small, provider: mock, price: { input: 0.15, output: 0.60 } }
                """.formatted(anthropic.baseUrl(), gemini.baseUrl()), null);
        sdk = OpenAIOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gw.close();
        anthropic.close();
        gemini.close();
    }

    static ResponseCreateParams.Builder params(String model) {
        return ResponseCreateParams.builder().model(model).instructions("Be brief.").input("Say hello");
    }

    static String text(Response r) {
        StringBuilder text = new StringBuilder();
        r.output().stream().filter(o -> o.isMessage())
                .forEach(o -> o.asMessage().content().forEach(c -> text.append(c.asOutputText().text())));
        return text.toString();
    }

    static long costMicros(ResponseUsage usage) {
        JsonValue cost = usage._additionalProperties().get("cost");
        assertThat(cost).as("usage.cost").isNotNull();
        return Credits.micros(cost.convert(java.math.BigDecimal.class).toPlainString());
    }

    @Test
    void aPlainResponseThroughAnthropic() {
        long before = gw.gateway.ledger().balance(gw.accountId).postedMicros();
        Response r = sdk.responses().create(params("claude-sonnet").build()).validate();
        assertThat(text(r)).isEqualTo("Hello from claude");
        assertThat(r.model().asString()).isEqualTo("claude-sonnet");
        ResponseUsage usage = r.usage().orElseThrow();
        assertThat(usage.inputTokens()).isEqualTo(125);
        assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(100);
        assertThat(usage.outputTokens()).isEqualTo(7);
        assertThat(costMicros(usage)).isPositive().isEqualTo(before - gw.gateway.ledger().balance(gw.accountId).postedMicros());
        JsonNode sent = anthropic.last().body();
        assertThat(sent.path("system").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(sent.path("messages").get(0).path("content").toString()).contains("Say hello");
    }

    @Test
    void aStreamThroughAnthropicIsAcceptedEventByEvent() {
        List<String> kinds = new ArrayList<>();
        StringBuilder deltas = new StringBuilder();
        List<Response> completed = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(params("claude-sonnet").build())) {
            stream.stream().forEach(e -> {
                kinds.add(kind(e));
                e.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
                e.completed().ifPresent(c -> completed.add(c.response().validate()));
            });
        }
        assertThat(kinds).containsExactly("created", "in_progress", "item_added", "part_added", "delta", "delta", "delta",
                "text_done", "part_done", "item_done", "completed");
        assertThat(deltas.toString()).isEqualTo("Hello from claude");
        assertThat(completed).hasSize(1);
        Response r = completed.get(0);
        assertThat(text(r)).isEqualTo(deltas.toString());
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(7);
        assertThat(costMicros(r.usage().orElseThrow())).isPositive();
        assertThat(sdk.responses().retrieve(r.id()).validate().id()).as("stored").isEqualTo(r.id());
    }

    @Test
    void aToolRoundTripWithPreviousResponseId() {
        FunctionTool weather = FunctionTool.builder().name("get_weather").description("Weather in a city").strict(false)
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
                .build();
        Response first = sdk.responses().create(params("claude-tools").addTool(weather).build()).validate();
        ResponseFunctionToolCall call = first.output().stream().filter(o -> o.isFunctionCall())
                .map(o -> o.asFunctionCall()).findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isEqualTo("toolu_01A");
        assertThat(call.arguments()).contains("Paris");
        assertThat(text(first)).isEqualTo("Checking.");

        sdk.responses().create(ResponseCreateParams.builder().model("claude-sonnet").previousResponseId(first.id())
                .addTool(weather)
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(
                        ResponseInputItem.FunctionCallOutput.builder().callId(call.callId()).output("18C").build())))
                .build()).validate();
        JsonNode messages = anthropic.last().body().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).path("content").toString()).contains("tool_use").contains("toolu_01A");
        assertThat(messages.get(2).path("content").toString()).contains("tool_result").contains("18C");
        assertThat(anthropic.last().body().has("system")).as("instructions are not carried over").isFalse();
    }

    @Test
    void aStreamedToolCallArrivesAsFunctionCallEvents() {
        FunctionTool weather = FunctionTool.builder().name("get_weather").strict(false)
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
                .build();
        StringBuilder arguments = new StringBuilder();
        List<String> done = new ArrayList<>();
        List<Response> completed = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                params("claude-tools").addTool(weather).build())) {
            stream.stream().forEach(e -> {
                e.functionCallArgumentsDelta().ifPresent(d -> arguments.append(d.delta()));
                e.functionCallArgumentsDone().ifPresent(d -> done.add(d.arguments()));
                e.completed().ifPresent(c -> completed.add(c.response().validate()));
            });
        }
        assertThat(done).containsExactly("{\"city\": \"Paris\", \"unit\": \"c\"}", "{\"tz\": \"CET\"}");
        assertThat(arguments.toString()).isEqualTo(String.join("", done));
        assertThat(completed).singleElement().satisfies(r -> assertThat(r.output().stream().filter(o -> o.isFunctionCall())
                .map(o -> o.asFunctionCall().name()).toList()).containsExactly("get_weather", "get_time"));
    }

    @Test
    void retrieveAndDelete() {
        Response r = sdk.responses().create(params("claude-sonnet").build());
        assertThat(sdk.responses().retrieve(r.id()).validate().output()).hasSize(1);
        sdk.responses().delete(r.id());
        assertThatThrownBy(() -> sdk.responses().retrieve(r.id())).isInstanceOf(NotFoundException.class);
    }

    /** The README's tour: the built-in mock and Gemini answer too, plain and streamed, and continue a stored response. */
    @ParameterizedTest
    @ValueSource(strings = {"mock-small", "gemini-flash"})
    void otherProvidersAnswerAndContinue(String model) {
        Response first = sdk.responses().create(ResponseCreateParams.builder().model(model).input("My name is Ada.").build()).validate();
        assertThat(text(first)).isNotBlank();
        Response second = sdk.responses().create(ResponseCreateParams.builder().model(model).input("What is my name?")
                .previousResponseId(first.id()).build()).validate();
        assertThat(second.previousResponseId()).contains(first.id());
        StringBuilder deltas = new StringBuilder();
        List<Response> completed = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                ResponseCreateParams.builder().model(model).input("Hello!").build())) {
            stream.stream().forEach(e -> {
                e.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
                e.completed().ifPresent(c -> completed.add(c.response().validate()));
            });
        }
        assertThat(completed).hasSize(1);
        assertThat(deltas.toString()).isNotBlank().isEqualTo(text(completed.get(0)));
    }

    @Test
    void inputItemsListTheResponsesOwnInputNewestFirst() {
        Response first = sdk.responses().create(params("claude-sonnet").build());
        Response second = sdk.responses().create(ResponseCreateParams.builder().model("claude-sonnet")
                .previousResponseId(first.id()).inputOfResponse(List.of(
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId("call_1").output("18C").build()),
                        ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                                .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("Thanks").build())))
                .build());
        var page = sdk.responses().inputItems().list(second.id());
        assertThat(page.data()).hasSize(2);
        page.data().forEach(item -> item.validate());
        assertThat(page.data().get(0).isResponseInputMessageItem()).as("newest first").isTrue();
        assertThat(page.data().get(0).asResponseInputMessageItem().id()).startsWith("msg_");
        assertThat(page.data().get(1).isFunctionCallOutput()).isTrue();
        List<String> all = new ArrayList<>(); // the SDK pages on with after=<last id> until a page is empty
        for (var item : page.autoPager()) all.add(item.isFunctionCallOutput() ? "output" : "message");
        assertThat(all).containsExactly("message", "output");
        assertThat(sdk.responses().inputItems().list(first.id()).data()).as("its own input only").hasSize(1);
    }

    private static String kind(ResponseStreamEvent e) {
        if (e.isCreated()) return "created";
        if (e.isInProgress()) return "in_progress";
        if (e.isOutputItemAdded()) return "item_added";
        if (e.isContentPartAdded()) return "part_added";
        if (e.isOutputTextDelta()) return "delta";
        if (e.isOutputTextDone()) return "text_done";
        if (e.isContentPartDone()) return "part_done";
        if (e.isOutputItemDone()) return "item_done";
        if (e.isCompleted()) return "completed";
        return "other:" + e._json().map(Object::toString).orElse("?");
    }
}
