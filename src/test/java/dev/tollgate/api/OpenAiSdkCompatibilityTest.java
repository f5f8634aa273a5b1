package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.tollgate.testing.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK, unmodified, against the running gateway and its built-in mock provider. */
class OpenAiSdkCompatibilityTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, """
                providers:
                  - { name: mock, type: mock }
                models:
                  - { name: mock-small, provider: mock, price: { input: 0.15, output: 0.60 } }
                  - { name: mock-large, provider: mock, price: free }
                aliases:
                  mock: [mock-small, mock-large]
                """, null);
        client = sdk(gw.key);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
    }

    static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("tell me about gateways");
    }

    @Test
    void plainChat() {
        ChatCompletion c = client.chat().completions().create(params("mock-small").build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).contains("This is a mock answer to: tell me about gateways");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(10);
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
    }

    @Test
    void streamingChatWithUsage() {
        List<String> text = new ArrayList<>();
        List<Long> usage = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("mock")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::add));
                chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
            });
        }
        assertThat(String.join("", text)).isEqualTo("This is a mock answer to: tell me about gateways");
        assertThat(usage).containsExactly(10L);
    }

    @Test
    void maxTokensCutsTheMockAnswer() {
        ChatCompletion c = client.chat().completions().create(params("mock-small").maxCompletionTokens(3).build());
        assertThat(c.choices().get(0).message().content()).contains("This is a");
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("length");
    }

    @Test
    void modelsList() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).containsExactly("mock-small", "mock-large", "mock");
    }

    @Test
    void badKeyIs401() {
        OpenAIClient bad = sdk("tg-" + "b".repeat(43));
        assertThatThrownBy(() -> bad.chat().completions().create(params("mock-small").build()))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> bad.models().list()).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void unknownModelIs404() {
        assertThatThrownBy(() -> client.chat().completions().create(params("no-such-model").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no-such-model");
    }
}
