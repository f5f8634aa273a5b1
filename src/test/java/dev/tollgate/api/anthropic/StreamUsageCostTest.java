package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.tollgate.testing.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code usage.cost} reaches Anthropic SDK users on a stream: in the {@code message_delta} event's usage. The SDKs'
 * accumulators (Java's MessageAccumulator, Node's finalMessage()) copy only the token fields from message_delta
 * into the message_start snapshot, where the cost cannot be yet; this test pins that too, so a change in the SDK
 * shows up here.
 */
class StreamUsageCostTest {
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, """
                providers:
                  - { name: mock, type: mock }
                models:
                  - { name: mock-small, provider: mock, price: { input: 0.15, output: 0.60 } }
                """, null);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void theMessageDeltaUsageCarriesTheCost() {
        AnthropicClient client = AnthropicOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl()).maxRetries(0).build();
        MessageAccumulator accumulator = MessageAccumulator.create();
        java.util.List<JsonValue> costs = new java.util.ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams.builder()
                .model("mock-small").maxTokens(100).addUserMessage("hello").build())) {
            stream.stream().peek(accumulator::accumulate).flatMap(e -> e.messageDelta().stream())
                    .forEach(d -> costs.add(d.usage()._additionalProperties().get("cost")));
        }
        assertThat(costs).singleElement().isNotNull();
        assertThat(((Number) costs.get(0).asNumber().orElseThrow()).doubleValue()).isPositive();
        Message m = accumulator.message();
        assertThat(m.usage().outputTokens()).isPositive();
        assertThat(m.usage()._additionalProperties()).as("the SDK accumulator drops message_delta's extra usage fields")
                .doesNotContainKey("cost");
    }
}
