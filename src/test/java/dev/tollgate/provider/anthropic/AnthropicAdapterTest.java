package dev.tollgate.provider.anthropic;

import static dev.tollgate.provider.AdapterHarness.call;
import static dev.tollgate.provider.AdapterHarness.collect;
import static dev.tollgate.provider.AdapterHarness.golden;
import static dev.tollgate.provider.AdapterHarness.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.AdapterHarness;
import dev.tollgate.provider.AdapterHarness.Collected;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.provider.ProviderException.Kind;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.testing.FakeAnthropic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Anthropic adapter against a fake Messages API speaking the real wire format. */
class AnthropicAdapterTest {
    static final String KEY = "sk-ant-api03-test-provider-key-000000";
    static final int DEFAULT_MAX_TOKENS = 777;
    static FakeAnthropic upstream;
    static AnthropicProvider adapter;

    @BeforeAll
    static void start() {
        upstream = new FakeAnthropic();
        adapter = new AnthropicProvider(AdapterHarness.provider("anthropic", upstream.baseUrl(), KEY,
                Map.of("anthropic-beta", "prompt-caching-2024-07-31")), AdapterHarness.SERVER, DEFAULT_MAX_TOKENS);
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @Test
    void requestTranslationMatchesTheGoldenFile() throws Exception {
        JsonNode openAi = golden("anthropic/request.openai.json");
        adapter.complete(call("text", openAi.toString(), false));
        assertThat(upstream.last().body()).isEqualTo(golden("anthropic/request.anthropic.json"));
    }

    @Test
    void headersCarryTheKeyVersionAndConfiguredExtras() throws Exception {
        adapter.complete(hello("text", false));
        FakeAnthropic.Received r = upstream.last();
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.headers()).containsEntry("x-api-key", KEY).containsEntry("anthropic-version", "2023-06-01")
                .containsEntry("anthropic-beta", "prompt-caching-2024-07-31").doesNotContainKey("authorization");
    }

    @Test
    void maxTokensDefaultsToTheConfiguredOutputCapAndMaxCompletionTokensWins() throws Exception {
        adapter.complete(hello("text", false));
        assertThat(upstream.last().body().path("max_tokens").asInt()).isEqualTo(DEFAULT_MAX_TOKENS);
        adapter.complete(call("text", "{\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false));
        assertThat(upstream.last().body().path("max_tokens").asInt()).isEqualTo(50);
        adapter.complete(call("text", "{\"max_tokens\":50,\"max_completion_tokens\":60,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false));
        assertThat(upstream.last().body().path("max_tokens").asInt()).isEqualTo(60);
        // thinking counts inside max_tokens: with no cap, room for the whole budget plus the default answer (as held)
        adapter.complete(call("text", "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false));
        assertThat(upstream.last().body().path("max_tokens").asInt()).isEqualTo(DEFAULT_MAX_TOKENS + 2000);
        assertThat(upstream.last().body().path("thinking").path("budget_tokens").asInt()).isEqualTo(2000);
    }

    @Test
    void temperatureIsClampedIntoAnthropicsRange() throws Exception {
        adapter.complete(call("text", "{\"temperature\":0.3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false));
        assertThat(upstream.last().body().path("temperature").asDouble()).isEqualTo(0.3);
        adapter.complete(call("text", "{\"temperature\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false));
        assertThat(upstream.last().body().path("temperature").asDouble()).isEqualTo(1.0);
    }

    @Test
    void toolChoiceMapsToAnthropicsVocabulary() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        adapter.complete(call("text", "{\"tool_choice\":\"auto\"," + tools + "}", false));
        assertThat(upstream.last().body().path("tool_choice").toString()).isEqualTo("{\"type\":\"auto\"}");
        adapter.complete(call("text", "{\"tool_choice\":\"none\"," + tools + "}", false));
        assertThat(upstream.last().body().path("tool_choice").toString()).isEqualTo("{\"type\":\"none\"}");
        adapter.complete(call("text", "{\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}," + tools + "}", false));
        assertThat(upstream.last().body().path("tool_choice").toString()).isEqualTo("{\"type\":\"tool\",\"name\":\"f\"}");
        adapter.complete(call("text", "{\"parallel_tool_calls\":false," + tools + "}", false));
        assertThat(upstream.last().body().path("tool_choice").toString()).isEqualTo("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}");
    }

    @Test
    void toolResultsLeadTheirUserTurnEvenWhenTheClientSentTextFirst() throws Exception {
        adapter.complete(call("text", "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"toolu_9\",\"type\":\"function\","
                + "\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"user\",\"content\":\"hurry\"},{\"role\":\"tool\",\"tool_call_id\":\"toolu_9\",\"content\":\"sunny\"}]}", false));
        JsonNode last = upstream.last().body().path("messages").get(2);
        assertThat(last.path("role").asText()).isEqualTo("user");
        assertThat(last.path("content")).extracting(b -> b.path("type").asText()).containsExactly("tool_result", "text");
        assertThat(upstream.last().body().path("messages").get(1).path("content").get(0).path("input").toString()).isEqualTo("{}");
    }

    @Test
    void requestsAnthropicCannotServeAreRefusedBeforeAnyCall() {
        int before = upstream.requests.size();
        assertThatThrownBy(() -> adapter.complete(call("text", "{\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST))
                .hasMessageContaining("n > 1");
        assertThatThrownBy(() -> adapter.complete(call("text", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\","
                + "\"input_audio\":{\"data\":\"AAA=\",\"format\":\"wav\"}}]}]}", false)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST))
                .hasMessageContaining("input_audio");
        assertThat(upstream.requests).hasSize(before);
    }

    @Test
    void textAnswerWithCacheUsage() throws Exception {
        ChatResult r = adapter.complete(hello("text", false));
        JsonNode choice = r.body().path("choices").get(0);
        assertThat(r.body().path("object").asText()).isEqualTo("chat.completion");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello from claude");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        // 20 uncached + 100 cache reads + 5 cache writes; only the reads are "cached"
        assertThat(r.usage()).isEqualTo(new Usage(125, 100, 7, 0, 5, 0)); // 5 cache writes at cache_write
        assertThat(r.body().path("usage").path("prompt_tokens").asLong()).isEqualTo(125);
        assertThat(r.body().path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(100);
        assertThat(r.body().path("usage").path("total_tokens").asLong()).isEqualTo(132);
    }

    @Test
    void toolUseBecomesToolCalls() throws Exception {
        ChatResult r = adapter.complete(hello("tools", false));
        JsonNode message = r.body().path("choices").get(0).path("message");
        assertThat(message.path("content").asText()).isEqualTo("Checking.");
        JsonNode call = message.path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_01A");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(AdapterHarness.parse(call.path("function").path("arguments").asText()))
                .isEqualTo(AdapterHarness.parse("{\"city\":\"Paris\",\"unit\":\"c\"}"));
        assertThat(r.body().path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");

        JsonNode onlyTools = adapter.complete(hello("only-tools", false)).body().path("choices").get(0).path("message");
        assertThat(onlyTools.path("content").isNull()).as("OpenAI sends null content beside tool calls").isTrue();
    }

    @ParameterizedTest
    @CsvSource({"length, length", "stop-sequence, stop", "thinking, stop"})
    void stopReasonsMapToFinishReasons(String scenario, String finish) throws Exception {
        ChatResult r = adapter.complete(hello(scenario, false));
        assertThat(r.body().path("choices").get(0).path("finish_reason").asText()).isEqualTo(finish);
    }

    @Test
    void thinkingBecomesReasoningContent() throws Exception {
        JsonNode message = adapter.complete(hello("thinking", false)).body().path("choices").get(0).path("message");
        assertThat(message.path("content").asText()).isEqualTo("42");
        assertThat(message.path("reasoning_content").asText()).isEqualTo("Six times seven.");
        assertThat(message.path("thinking_blocks").toString()).as("signatures and redacted blocks kept for the next turn")
                .isEqualTo("[{\"type\":\"thinking\",\"thinking\":\"Six times seven.\",\"signature\":\"EqQBCkYIARgCIkBsig\"},"
                        + "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}]");
    }

    @Test
    void aBodyThatIsNotAMessageIsABadResponse() {
        assertThatThrownBy(() -> adapter.complete(hello("not-a-message", false)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE));
    }

    @Test
    void streamTranslatesEventByEventAndEndsWithUsage() {
        Collected c = collect(adapter, hello("text", true));
        assertThat(c.failure()).isNull();
        assertThat(upstream.last().body().path("stream").asBoolean()).isTrue();
        assertThat(upstream.last().headers()).containsEntry("accept", "text/event-stream");
        List<JsonNode> json = c.json();
        assertThat(json).hasSize(6); // role, three texts, finish, usage
        assertThat(json).allSatisfy(j -> {
            assertThat(j.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(j.path("id").asText()).isEqualTo("msg_01StreamText");
        });
        assertThat(json.get(0).path("choices").get(0).path("delta").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(json.subList(1, 4)).extracting(j -> j.path("choices").get(0).path("delta").path("content").asText())
                .containsExactly("Hello", " from", " claude");
        assertThat(json.get(4).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        StreamChunk last = c.chunks().get(5);
        assertThat(last.usageOnly()).isTrue();
        assertThat(json.get(5).path("choices")).isEmpty();
        assertThat(last.usage()).isEqualTo(new Usage(125, 100, 7, 0, 5, 0));
        assertThat(json.get(5).path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(100);
        assertThat(c.chunks().subList(0, 5)).allSatisfy(ch -> assertThat(ch.usageOnly()).isFalse());
        assertThat(c.chunks()).extracting(StreamChunk::contentDelta).containsExactly("", "Hello", " from", " claude", "", "");
    }

    @Test
    void streamedToolCallsKeepTheirIndexAndArgumentFragments() {
        Collected c = collect(adapter, hello("tools", true));
        assertThat(c.failure()).isNull();
        List<JsonNode> calls = c.json().stream().map(j -> j.path("choices").path(0).path("delta").path("tool_calls").path(0))
                .filter(JsonNode::isObject).toList();
        assertThat(calls).hasSize(5); // start + 2 fragments (the empty one is skipped), start + 1 fragment
        assertThat(calls.get(0).path("index").asInt()).isZero();
        assertThat(calls.get(0).path("id").asText()).isEqualTo("toolu_01A");
        assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(1).path("function").path("arguments").asText() + calls.get(2).path("function").path("arguments").asText())
                .isEqualTo("{\"city\": \"Paris\", \"unit\": \"c\"}");
        assertThat(calls.get(3).path("index").asInt()).isEqualTo(1);
        assertThat(calls.get(3).path("function").path("name").asText()).isEqualTo("get_time");
        assertThat(calls.get(4).path("index").asInt()).isEqualTo(1);
        assertThat(c.text()).isEqualTo("Checking.");
        List<JsonNode> json = c.json();
        assertThat(json.get(json.size() - 2).path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(c.chunks().get(c.chunks().size() - 1).usage()).isEqualTo(new Usage(50, 0, 30, 0));
    }

    @Test
    void streamedThinkingIsReasoningContent() {
        Collected c = collect(adapter, hello("thinking", true));
        assertThat(c.failure()).isNull();
        assertThat(c.json()).anySatisfy(j -> assertThat(j.path("choices").path(0).path("delta").path("reasoning_content").asText())
                .isEqualTo("Six times seven."));
        assertThat(c.text()).isEqualTo("42");
        assertThat(c.json().stream().map(j -> j.path("choices").path(0).path("delta").path("thinking_blocks").path(0))
                .filter(JsonNode::isObject).map(JsonNode::toString))
                .containsExactly("{\"type\":\"thinking\",\"signature\":\"EqQBCkYIARgCIkBsig\"}",
                        "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}");
        assertThat(c.json().get(c.json().size() - 2).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @ParameterizedTest
    @CsvSource({"400, BAD_REQUEST", "401, PROVIDER_AUTH", "403, PROVIDER_AUTH", "429, RATE_LIMITED",
            "529, SERVER_ERROR", "500, SERVER_ERROR", "503, SERVER_ERROR"})
    void httpErrorsBecomeTypedFailures(int status, Kind kind) {
        for (boolean stream : new boolean[] {false, true}) {
            Collected c = collect(adapter, hello("fail-" + status, stream));
            ProviderException e = stream ? c.failure() : catchComplete("fail-" + status);
            assertThat(e).as("stream=" + stream).isNotNull();
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.retryable()).isEqualTo(kind != Kind.BAD_REQUEST);
            assertThat(e.getMessage()).doesNotContain(FakeAnthropic.SECRET_IN_ERRORS).doesNotContain(KEY);
            assertThat(c.chunks()).isEmpty();
        }
        if (status == 400) assertThat(catchComplete("fail-400").getMessage()).contains("invalid base64 data");
    }

    @Test
    void anErrorEventBeforeAnyChunkIsAServerErrorAfterChunksACutStream() {
        Collected first = collect(adapter, hello("error-first", true));
        assertThat(first.chunks()).isEmpty();
        assertThat(first.failure().kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(first.failure().getMessage()).contains("overloaded_error");

        Collected mid = collect(adapter, hello("error-mid", true));
        assertThat(mid.text()).isEqualTo("Hel");
        assertThat(mid.failure().kind()).isEqualTo(Kind.STREAM_CUT);
        assertThat(mid.failure().getMessage()).contains("Overloaded").doesNotContain(FakeAnthropic.SECRET_IN_ERRORS);
    }

    @Test
    void aStreamThatEndsOrBreaksWithoutMessageStopIsCut() {
        for (String scenario : List.of("cut", "broken")) {
            Collected c = collect(adapter, hello(scenario, true));
            assertThat(c.text()).as(scenario).isEqualTo("Hel");
            assertThat(c.failure().kind()).as(scenario).isEqualTo(Kind.STREAM_CUT);
            assertThat(c.chunks()).noneMatch(StreamChunk::usageOnly);
        }
    }

    @Test
    void aSilentStreamTimesOutAndAnUnreachableProviderIsUnavailable() throws Exception {
        TollgateConfig.Server impatient = new TollgateConfig.Server(4L << 20, 1_000, 5_000, 300, 0, "jdk");
        AnthropicProvider quick = new AnthropicProvider(AdapterHarness.provider("anthropic", upstream.baseUrl(), KEY, Map.of()),
                impatient, DEFAULT_MAX_TOKENS);
        Collected stalled = collect(quick, hello("stall", true));
        assertThat(stalled.text()).isEqualTo("Hel");
        assertThat(stalled.failure().kind()).isEqualTo(Kind.TIMEOUT);

        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        AnthropicProvider nowhere = new AnthropicProvider(AdapterHarness.provider("anthropic",
                "http://127.0.0.1:" + closedPort + "/v1", KEY, Map.of()), impatient, DEFAULT_MAX_TOKENS);
        assertThatThrownBy(() -> nowhere.complete(hello("text", false)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.retryable()).isTrue();
                });
    }

    /** A missing usage must reach the gateway as "unknown" (it then counts), never as zero tokens. */
    @Test
    void noReportedUsageIsNoUsageNotZero() throws Exception {
        ChatResult plain = adapter.complete(hello("no-usage", false));
        assertThat(plain.usage()).isNull();
        assertThat(plain.body().has("usage")).isFalse();
        Collected streamed = collect(adapter, hello("no-usage", true));
        assertThat(streamed.failure()).isNull();
        assertThat(streamed.text()).isEqualTo("Hello");
        assertThat(streamed.chunks()).allSatisfy(c -> assertThat(c.usage()).isNull());
        assertThat(streamed.json().get(streamed.json().size() - 1).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    static ProviderException catchComplete(String model) {
        try {
            adapter.complete(hello(model, false));
            return null;
        } catch (ProviderException e) {
            return e;
        }
    }
}
