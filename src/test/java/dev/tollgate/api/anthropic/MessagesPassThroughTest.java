package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.util.List;

/**
 * {@code /v1/messages} to an Anthropic upstream is lossless: the client's body arrives byte for byte, only the
 * model changed, and the answer's usage carries the cache tokens. To a translated provider the fields it cannot
 * carry are dropped and named in {@code x-tollgate-dropped-fields}; wrong types of known fields are still refused.
 */
class MessagesPassThroughTest {
    static final ObjectMapper JSON = new ObjectMapper();
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
                  - { name: mock, type: mock }
                models:
                  - { name: sonnet, provider: claude, upstream: text, price: { input: 3, output: 15 } }
                  - { name: thinker, provider: claude, upstream: thinking, price: { input: 3, output: 15 } }
                  - { name: mocky, provider: mock, price: { input: 1, output: 2 } }
                aliases:
                  sonnet-then-mock: [sonnet, mocky]
                """, anthropic.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        anthropic.close();
    }

    /** Everything translation loses: cache markers, system blocks, thinking, top_k, metadata, an unknown field. */
    static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":1000,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"You are terse.\"},{\"type\":\"text\",\"text\":\"Big context\","
                + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi \\u00e9\",\"cache_control\":{\"type\":\"ephemeral\"}}]}],"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"top_k\":5,\"temperature\":1,"
                + "\"metadata\":{\"user_id\":\"u-1\"},\"thread\":{\"id\":\"t-9\",\"depth\":[1,2.5,null]}"
                + (stream ? ",\"stream\":true" : "") + "}";
    }

    @Test
    void theBodyReachesAnAnthropicUpstreamByteForByteExceptTheModel() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            int before = anthropic.rawBodies.size();
            HttpResponse<String> res = gw.post("/v1/messages", body("sonnet", stream), gw.key);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(anthropic.rawBodies).hasSize(before + 1);
            String arrived = new String(anthropic.rawBodies.get(before), StandardCharsets.UTF_8);
            assertThat(arrived).isEqualTo(body("text", stream).replace("\\u00e9", "é"));
            assertThat(res.headers().firstValue("x-tollgate-dropped-fields")).as("nothing dropped").isEmpty();
        }
    }

    @Test
    void theAnswersUsageCarriesTheCacheTokens() throws Exception {
        JsonNode usage = JSON.readTree(gw.post("/v1/messages", body("sonnet", false), gw.key).body()).path("usage");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(20); // text.json: 20 input, 5 written, 100 read
        assertThat(usage.path("cache_creation_input_tokens").asLong()).isEqualTo(5);
        assertThat(usage.path("cache_read_input_tokens").asLong()).isEqualTo(100);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(7);

        String stream = gw.post("/v1/messages", body("sonnet", true), gw.key).body();
        String delta = stream.lines().filter(l -> l.startsWith("data: {\"type\":\"message_delta\"")).findFirst().orElseThrow();
        JsonNode streamed = JSON.readTree(delta.substring(6)).path("usage");
        assertThat(streamed.path("input_tokens").asLong()).isEqualTo(20);
        assertThat(streamed.path("cache_creation_input_tokens").asLong()).isEqualTo(5);
        assertThat(streamed.path("cache_read_input_tokens").asLong()).isEqualTo(100);
        assertThat(streamed.path("cost").isNumber()).as("usage.cost in the final usage").isTrue();
    }

    @Test
    void aTranslatedProviderDropsOnlyWhatItMustAndSaysSo() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> res = gw.post("/v1/messages", body("mocky", stream), gw.key);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(res.headers().firstValue("x-tollgate-dropped-fields"))
                    .hasValue("thinking, top_k, metadata, thread, cache_control");
        }
    }

    @Test
    void unknownFieldsPassButWrongTypesOfKnownOnesAreRefused() throws Exception {
        assertThat(gw.post("/v1/messages", body("sonnet", false).replace("\"top_k\":5", "\"top_k\":\"five\""), gw.key)
                .statusCode()).isEqualTo(400);
        HttpResponse<String> thinking = gw.post("/v1/messages",
                body("sonnet", false).replace("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}", "\"thinking\":true"), gw.key);
        assertThat(thinking.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(thinking.body()).path("error").path("message").asText()).contains("thinking");
        assertThat(gw.post("/v1/messages", body("sonnet", false).replace("\"max_tokens\":1000", "\"max_tokens\":\"many\""), gw.key)
                .statusCode()).isEqualTo(400);
    }

    /** What providers/anthropic/thinking.json answers: a signed thinking block, a redacted one, then text. */
    static final String THINKING_CONTENT = "[{\"type\":\"thinking\",\"thinking\":\"Six times seven.\",\"signature\":\"EqQBCkYIARgCIkBsig\"},"
            + "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"},{\"type\":\"text\",\"text\":\"42\"}]";

    @Test
    void thinkingBlocksWithSignaturesAndRedactedOnesComeBackAsTheProviderSentThem() throws Exception {
        String asked = "{\"model\":\"thinker\",\"max_tokens\":2000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"6 x 7?\"}]}";
        JsonNode plain = JSON.readTree(gw.post("/v1/messages", asked, gw.key).body());
        assertThat(plain.path("content")).isEqualTo(JSON.readTree(THINKING_CONTENT));

        String notAsked = asked.replace(",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}", "");
        assertThat(JSON.readTree(gw.post("/v1/messages", notAsked, gw.key).body()).path("content"))
                .as("no thinking asked, none shown").isEqualTo(JSON.readTree("[{\"type\":\"text\",\"text\":\"42\"}]"));

        AnthropicClient client = AnthropicOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl()).maxRetries(0).build();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams.builder()
                .model("thinker").maxTokens(2000).enabledThinking(1024).addUserMessage("6 x 7?").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        List<ContentBlock> blocks = accumulator.message().content();
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).asThinking().thinking()).isEqualTo("Six times seven.");
        assertThat(blocks.get(0).asThinking().signature()).isEqualTo("EqQBCkYIARgCIkBsig");
        assertThat(blocks.get(1).asRedactedThinking().data()).isEqualTo("EmwKAhgBEgy3va3pzix");
        assertThat(blocks.get(2).asText().text()).isEqualTo("42");
    }
}
