package dev.tollgate.provider.gemini;

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
import dev.tollgate.testing.FakeGemini;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Gemini adapter against a fake Gemini API speaking the real wire format (CRLF SSE included). */
class GeminiAdapterTest {
    static final String KEY = "AIzaSyTEST-provider-key-000000000000000";
    static FakeGemini upstream;
    static GeminiProvider adapter;

    @BeforeAll
    static void start() {
        upstream = new FakeGemini();
        adapter = new GeminiProvider(AdapterHarness.provider("gemini", upstream.baseUrl(), KEY, Map.of()), AdapterHarness.SERVER);
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @Test
    void requestTranslationMatchesTheGoldenFile() throws Exception {
        adapter.complete(call("text", golden("gemini/request.openai.json").toString(), false));
        assertThat(upstream.last().body()).isEqualTo(golden("gemini/request.gemini.json"));
    }

    @Test
    void urisAndHeaders() throws Exception {
        adapter.complete(hello("models/text", false));
        FakeGemini.Received plain = upstream.last();
        assertThat(plain.path()).isEqualTo("/v1beta/models/text:generateContent");
        assertThat(plain.query()).isNull();
        assertThat(plain.headers()).containsEntry("x-goog-api-key", KEY).doesNotContainKey("authorization");
        collect(adapter, hello("text", true));
        assertThat(upstream.last().path()).isEqualTo("/v1beta/models/text:streamGenerateContent");
        assertThat(upstream.last().query()).isEqualTo("alt=sse");
        assertThat(upstream.last().body().has("stream")).as("no OpenAI-only fields leak").isFalse();
    }

    @Test
    void toolChoiceAndResponseFormatVariants() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"x\":{\"type\":\"integer\"}}}}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        adapter.complete(call("text", "{\"tool_choice\":\"required\"," + tools + "}", false));
        assertThat(upstream.last().body().path("toolConfig").toString()).isEqualTo("{\"functionCallingConfig\":{\"mode\":\"ANY\"}}");
        adapter.complete(call("text", "{\"tool_choice\":\"none\",\"response_format\":{\"type\":\"json_object\"}," + tools + "}", false));
        assertThat(upstream.last().body().path("toolConfig").path("functionCallingConfig").path("mode").asText()).isEqualTo("NONE");
        assertThat(upstream.last().body().path("generationConfig").toString()).isEqualTo("{\"responseMimeType\":\"application/json\"}");
        assertThat(upstream.last().body().path("tools").get(0).path("functionDeclarations").get(0).path("parameters").toString())
                .isEqualTo("{\"type\":\"OBJECT\",\"properties\":{\"x\":{\"type\":\"INTEGER\"}}}");
    }

    @Test
    void unknownToolCallIdsAreRefusedBeforeAnyCall() {
        int before = upstream.requests.size();
        assertThatThrownBy(() -> adapter.complete(call("text", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"nobody\",\"content\":\"x\"}]}", false)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST))
                .hasMessageContaining("nobody");
        assertThat(upstream.requests).hasSize(before);
    }

    @Test
    void textAnswerWithCachedAndThinkingUsage() throws Exception {
        ChatResult r = adapter.complete(hello("text", false));
        JsonNode choice = r.body().path("choices").get(0);
        assertThat(r.body().path("id").asText()).isEqualTo("resp-text-1");
        assertThat(r.body().path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello from gemini");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        // completion = 4 visible + 30 thinking tokens; thinking is the reasoning subset
        assertThat(r.usage()).isEqualTo(new Usage(120, 100, 34, 30));
        JsonNode usage = r.body().path("usage");
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(30);
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(100);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(154);
    }

    @Test
    void functionCallsBecomeToolCallsWithFreshIds() throws Exception {
        ChatResult r = adapter.complete(hello("tools", false));
        JsonNode choice = r.body().path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode calls = choice.path("message").path("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("id").asText()).startsWith("call_").isNotEqualTo(calls.get(1).path("id").asText());
        assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(1).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Rome\"}");
        assertThat(calls.get(0).path("id").asText()).as("the thought signature rides in the id, URL-safe")
                .endsWith("__sig_CiQB-Vkh_c7sig").matches("[A-Za-z0-9_-]+");
        assertThat(calls.get(1).path("id").asText()).doesNotContain("__sig_");
    }

    @Test
    void thoughtSignaturesGoBackOnTheNextTurn() throws Exception {
        JsonNode calls = adapter.complete(hello("tools", false)).body().path("choices").get(0).path("message").path("tool_calls");
        String followUp = "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":" + calls + "},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + calls.get(0).path("id").asText() + "\",\"content\":\"18C\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + calls.get(1).path("id").asText() + "\",\"content\":\"22C\"}]}";
        adapter.complete(call("text", followUp, false));
        JsonNode modelParts = upstream.last().body().path("contents").get(1).path("parts");
        assertThat(modelParts.get(0).path("thoughtSignature").asText()).isEqualTo("CiQB+Vkh/c7sig==");
        assertThat(modelParts.get(0).path("functionCall").path("name").asText()).isEqualTo("get_weather");
        assertThat(modelParts.get(1).has("thoughtSignature")).isFalse();
        JsonNode responses = upstream.last().body().path("contents").get(2).path("parts");
        assertThat(responses).extracting(p -> p.path("functionResponse").path("name").asText()).containsExactly("get_weather", "get_weather");
    }

    @Test
    void thoughtPartsBecomeReasoningContent() throws Exception {
        ChatResult r = adapter.complete(hello("thoughts", false));
        JsonNode message = r.body().path("choices").get(0).path("message");
        assertThat(message.path("content").asText()).isEqualTo("42");
        assertThat(message.path("reasoning_content").asText()).isEqualTo("Six times seven.");
        assertThat(r.usage()).isEqualTo(new Usage(10, 0, 51, 50));
    }

    @ParameterizedTest
    @CsvSource({"length, length", "safety, content_filter", "recitation, content_filter", "blocked, content_filter"})
    void finishReasonsMap(String scenario, String finish) throws Exception {
        ChatResult r = adapter.complete(hello(scenario, false));
        assertThat(r.body().path("choices")).hasSize(1);
        assertThat(r.body().path("choices").get(0).path("finish_reason").asText()).isEqualTo(finish);
        assertThat(r.body().path("choices").get(0).path("message").path("content").isTextual()).isTrue();
    }

    @Test
    void candidatesBecomeChoices() throws Exception {
        ChatResult r = adapter.complete(call("two-candidates", "{\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"flip\"}]}", false));
        assertThat(upstream.last().body().path("generationConfig").path("candidateCount").asInt()).isEqualTo(2);
        assertThat(r.body().path("choices")).extracting(c -> c.path("message").path("content").asText()).containsExactly("Heads", "Tails");
        assertThat(r.body().path("choices")).extracting(c -> c.path("index").asInt()).containsExactly(0, 1);
    }

    @Test
    void streamTranslatesEventByEventAndEndsWithUsage() {
        Collected c = collect(adapter, hello("text", true));
        assertThat(c.failure()).isNull();
        List<JsonNode> json = c.json();
        assertThat(json).hasSize(6); // role, three texts, finish, usage
        assertThat(json).allSatisfy(j -> assertThat(j.path("id").asText()).isEqualTo("resp-stream-1"));
        assertThat(json.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(json.subList(1, 4)).extracting(j -> j.path("choices").get(0).path("delta").path("content").asText())
                .containsExactly("Hello", " from", " gemini");
        assertThat(json.get(4).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        StreamChunk last = c.chunks().get(5);
        assertThat(last.usageOnly()).isTrue();
        assertThat(json.get(5).path("choices")).isEmpty();
        assertThat(last.usage()).as("the last usageMetadata counts, not the partial ones").isEqualTo(new Usage(120, 100, 34, 30));
        assertThat(c.chunks().subList(0, 5)).noneMatch(StreamChunk::usageOnly);
    }

    @Test
    void streamedFunctionCallsArriveWhole() {
        Collected c = collect(adapter, hello("tools", true));
        assertThat(c.failure()).isNull();
        List<JsonNode> calls = c.json().stream().map(j -> j.path("choices").path(0).path("delta").path("tool_calls").path(0))
                .filter(JsonNode::isObject).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls).extracting(j -> j.path("index").asInt()).containsExactly(0, 1);
        assertThat(calls).extracting(j -> j.path("function").path("name").asText()).containsExactly("get_weather", "get_time");
        assertThat(calls.get(1).path("function").path("arguments").asText()).isEqualTo("{\"tz\":\"CET\"}");
        assertThat(calls.get(0).path("id").asText()).startsWith("call_");
        assertThat(c.text()).isEqualTo("Checking.");
        assertThat(c.json().get(c.json().size() - 2).path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(c.chunks().get(c.chunks().size() - 1).usage()).isEqualTo(new Usage(40, 0, 12, 0));
    }

    @Test
    void streamedThoughtsAndSafetyStops() {
        Collected thoughts = collect(adapter, hello("thoughts", true));
        assertThat(thoughts.json()).anySatisfy(j -> assertThat(j.path("choices").path(0).path("delta").path("reasoning_content").asText())
                .isEqualTo("Six times seven."));
        assertThat(thoughts.chunks().get(thoughts.chunks().size() - 1).usage()).isEqualTo(new Usage(10, 0, 51, 50));
        Collected safety = collect(adapter, hello("safety", true));
        assertThat(safety.failure()).isNull();
        assertThat(safety.json().get(safety.json().size() - 2).path("choices").get(0).path("finish_reason").asText()).isEqualTo("content_filter");
    }

    @ParameterizedTest
    @CsvSource({"fail-400, BAD_REQUEST", "bad-key, PROVIDER_AUTH", "fail-403, PROVIDER_AUTH", "fail-429, RATE_LIMITED",
            "fail-500, SERVER_ERROR", "fail-503, SERVER_ERROR", "no-such-model, BAD_REQUEST"})
    void httpErrorsBecomeTypedFailures(String model, Kind kind) {
        for (boolean stream : new boolean[] {false, true}) {
            Collected c = collect(adapter, hello(model, stream));
            ProviderException e = stream ? c.failure() : catchComplete(model);
            assertThat(e).as("stream=" + stream).isNotNull();
            assertThat(e.kind()).as("stream=" + stream).isEqualTo(kind);
            assertThat(e.getMessage()).doesNotContain(FakeGemini.SECRET_IN_ERRORS).doesNotContain(KEY);
            assertThat(c.chunks()).isEmpty();
        }
        if (model.equals("fail-400")) assertThat(catchComplete(model).getMessage()).contains("Base64 decoding failed");
    }

    @Test
    void anErrorEventBeforeAnyChunkIsAServerErrorAfterChunksACutStream() {
        Collected first = collect(adapter, hello("error-first", true));
        assertThat(first.chunks()).isEmpty();
        assertThat(first.failure().kind()).isEqualTo(Kind.SERVER_ERROR);
        Collected mid = collect(adapter, hello("error-mid", true));
        assertThat(mid.text()).isEqualTo("Hel");
        assertThat(mid.failure().kind()).isEqualTo(Kind.STREAM_CUT);
        assertThat(mid.failure().getMessage()).contains("overloaded").doesNotContain(FakeGemini.SECRET_IN_ERRORS);
    }

    @Test
    void aStreamThatEndsOrBreaksWithoutAFinishReasonIsCut() {
        for (String scenario : List.of("cut", "broken")) {
            Collected c = collect(adapter, hello(scenario, true));
            assertThat(c.text()).as(scenario).isEqualTo("Hel");
            assertThat(c.failure().kind()).as(scenario).isEqualTo(Kind.STREAM_CUT);
            assertThat(c.chunks()).noneMatch(StreamChunk::usageOnly);
        }
    }

    @Test
    void aSilentStreamTimesOut() {
        TollgateConfig.Server impatient = new TollgateConfig.Server(4L << 20, 1_000, 5_000, 300, 0, "jdk");
        GeminiProvider quick = new GeminiProvider(AdapterHarness.provider("gemini", upstream.baseUrl(), KEY, Map.of()), impatient);
        Collected stalled = collect(quick, hello("stall", true));
        assertThat(stalled.text()).isEqualTo("Hel");
        assertThat(stalled.failure().kind()).isEqualTo(Kind.TIMEOUT);
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
