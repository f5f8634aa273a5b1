package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legacy {@code POST /v1/completions}: an OpenAI-compatible model with the {@code completions} capability is sent
 * the client's own body on its {@code /completions}; any other model answers the chat translation; both come back
 * as {@code text_completion}s (plain and streamed) through the official OpenAI Java SDK, billed like chat.
 */
class LegacyCompletionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static FakeOpenAi upstream;
    static TestGateway gw;
    static OpenAIClient sdk;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: oai, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                  - { name: mock, type: mock }
                models:
                  - { name: instruct, provider: oai, upstream: gpt-3.5-turbo-instruct, price: { input: 1, output: 2 } }
                  - { name: chat-only, provider: oai, upstream: gpt-4o, price: { input: 1, output: 2 }, capabilities: [tools, vision] }
                  - { name: mock-small, provider: mock, price: { input: 1, output: 2 } }
                """, upstream.baseUrl());
        sdk = OpenAIOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    static JsonNode lastUpstream() {
        return upstream.requests.get(upstream.requests.size() - 1);
    }

    static String lastPath() {
        return upstream.paths.get(upstream.paths.size() - 1);
    }

    @Test
    void aLegacyModelGetsTheClientsOwnBodyAndTheSdkReadsTheAnswer() {
        Completion c = sdk.completions().create(CompletionCreateParams.builder().model("instruct").prompt("Once").maxTokens(10)
                .logprobs(1).echo(false).build());
        assertThat(lastPath()).isEqualTo("/v1/completions");
        assertThat(lastUpstream().path("model").asText()).isEqualTo("gpt-3.5-turbo-instruct");
        assertThat(lastUpstream().path("prompt").asText()).isEqualTo("Once");
        assertThat(lastUpstream().path("logprobs").asInt()).isEqualTo(1);
        assertThat(c.model()).isEqualTo("instruct");
        assertThat(c.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.text()).isEqualTo("Once upon a time");
            assertThat(choice.finishReason().asString()).isEqualTo("length");
            assertThat(choice.logprobs().orElseThrow().tokens().orElseThrow()).containsExactly("Once");
        });
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(5);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(4);
        assertThat(c.usage().orElseThrow()._additionalProperties()).containsKey("cost");
    }

    @Test
    void aLegacyStreamArrivesChunkByChunkWithTheBilledUsageLast() {
        List<String> texts = new ArrayList<>();
        List<Completion> chunks = new ArrayList<>();
        try (StreamResponse<Completion> stream = sdk.completions().createStreaming(CompletionCreateParams.builder()
                .model("instruct").prompt("Once").maxTokens(10)
                .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build())) {
            stream.stream().forEach(c -> {
                chunks.add(c);
                c.choices().forEach(choice -> texts.add(choice.text()));
            });
        }
        assertThat(String.join("", texts)).isEqualTo("Once upon a time");
        assertThat(lastUpstream().path("stream_options").path("include_usage").asBoolean()).isTrue();
        Completion last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().totalTokens()).isEqualTo(9);
        assertThat(last.usage().orElseThrow()._additionalProperties()).containsKey("cost");
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("instruct"));
    }

    @Test
    void aChatOnlyModelAnswersTheChatTranslationAndNamesWhatItDropped() throws Exception {
        HttpResponse<String> res = gw.post("/v1/completions",
                "{\"model\":\"chat-only\",\"prompt\":\"Say hi\",\"echo\":true,\"suffix\":\"!\",\"temperature\":0.2}", gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(lastPath()).isEqualTo("/v1/chat/completions");
        assertThat(lastUpstream().path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Say hi\"}]");
        assertThat(lastUpstream().path("max_tokens").asInt()).as("the legacy default").isEqualTo(16);
        assertThat(lastUpstream().path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(lastUpstream().has("echo")).isFalse();
        assertThat(res.headers().firstValue("x-tollgate-dropped-fields")).hasValue("echo, suffix");
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("object").asText()).isEqualTo("text_completion");
        assertThat(body.path("choices").get(0).path("text").asText()).isEqualTo("Hello from fake");
        assertThat(body.path("usage").path("cost").decimalValue()).isEqualByComparingTo(res.headers().firstValue("x-tollgate-cost").orElseThrow());

        HttpResponse<String> mock = gw.post("/v1/completions", "{\"model\":\"mock-small\",\"prompt\":[\"Hello\"],\"stream\":true}", gw.key);
        assertThat(mock.statusCode()).isEqualTo(200);
        List<String> data = mock.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = JSON.readTree(d);
            assertThat(chunk.path("object").asText()).isEqualTo("text_completion");
            for (JsonNode choice : chunk.path("choices")) text.append(choice.path("text").asText());
        }
        assertThat(text.toString()).isNotEmpty();
    }

    @Test
    void promptsThatCannotBeServedAreRefusedNamingThem() throws Exception {
        HttpResponse<String> two = gw.post("/v1/completions", "{\"model\":\"instruct\",\"prompt\":[\"a\",\"b\"]}", gw.key);
        assertThat(two.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(two.body()).path("error").path("param").asText()).isEqualTo("prompt");
        HttpResponse<String> none = gw.post("/v1/completions", "{\"model\":\"instruct\"}", gw.key);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(none.body()).path("error").path("message").asText()).contains("'prompt'");
        HttpResponse<String> tokens = gw.post("/v1/completions", "{\"model\":\"instruct\",\"prompt\":[1,2,3]}", gw.key);
        assertThat(tokens.statusCode()).isEqualTo(400);
        assertThat(gw.post("/v1/completions", "{\"model\":\"instruct\",\"prompt\":\"x\",\"max_tokens\":\"many\"}", gw.key)
                .statusCode()).isEqualTo(400);
    }
}
