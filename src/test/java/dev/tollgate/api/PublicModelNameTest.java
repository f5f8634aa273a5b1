package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI body's {@code model} is the public name the caller asked for; x-tollgate-model says which answered. */
class PublicModelNameTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, """
                providers:
                  - { name: mock, type: mock }
                models:
                  - { name: gpt-small, provider: mock, upstream: mock-small, price: { input: 0.15, output: 0.60 } }
                aliases:
                  cheap: [gpt-small]
                """, null);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void plainAnswerNamesTheRequestedModelAndTheHeaderTheOneThatAnswered() throws Exception {
        for (String asked : List.of("gpt-small", "cheap")) {
            HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat(asked, false), gw.key);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(res.body()).path("model").asText()).isEqualTo(asked);
            assertThat(res.headers().firstValue("x-tollgate-model")).hasValue("gpt-small");
        }
    }

    @Test
    void everyStreamChunkNamesTheRequestedModel() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions",
                "{\"model\":\"cheap\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : res.body().split("\n")) {
            if (line.startsWith("data: {")) chunks.add(JSON.readTree(line.substring(6)));
        }
        assertThat(chunks).hasSizeGreaterThan(2);
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("model").asText()).isEqualTo("cheap"));
        assertThat(res.body()).doesNotContain("mock-small");
        assertThat(res.headers().firstValue("x-tollgate-model")).hasValue("gpt-small");
    }

    @Test
    void theOpenAiSdkSeesThePublicName() {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("gpt-small").addUserMessage("hi");
        ChatCompletion c = client.chat().completions().create(params.build());
        assertThat(c.model()).isEqualTo("gpt-small");
        List<String> models = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunk -> models.add(chunk.model()));
        }
        assertThat(models).isNotEmpty().containsOnly("gpt-small");
    }

    @Test
    void modelFieldRewriteKeepsEverythingElseByteForByte() {
        String chunk = "{\"id\":\"c\",\"model\" : \"mock-small\",\"choices\":[{\"delta\":{\"content\":\"\\\"model\\\":\\\"x\\\"\"}}]}";
        String out = new String(ModelField.rewrite(chunk.getBytes(StandardCharsets.UTF_8), "gpt-\"small\""), StandardCharsets.UTF_8);
        assertThat(out).isEqualTo("{\"id\":\"c\",\"model\" : \"gpt-\\\"small\\\"\",\"choices\":[{\"delta\":{\"content\":\"\\\"model\\\":\\\"x\\\"\"}}]}");
        byte[] none = "{\"id\":\"c\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(ModelField.rewrite(none, "m")).isSameAs(none);
    }
}
