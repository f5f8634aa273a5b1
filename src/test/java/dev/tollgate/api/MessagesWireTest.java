package dev.tollgate.api;

import static dev.tollgate.testing.ScriptedOpenAi.chunk;
import static dev.tollgate.testing.ScriptedOpenAi.completion;
import static dev.tollgate.testing.ScriptedOpenAi.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/messages} on the wire, both ways: what the OpenAI-compatible upstream receives for an
 * Anthropic request, and the exact Anthropic JSON and SSE bytes the client receives for its answers.
 */
class MessagesWireTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MSG_ID = "msg_[0-9a-f]+";

    @TempDir
    static Path dir;
    static ScriptedOpenAi upstream;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = new ScriptedOpenAi();
        gw = TestGateway.start(dir, config(), upstream.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    /** Every public model is the scripted upstream's model of the same name, plus the built-in mock. */
    static String config() {
        StringBuilder yaml = new StringBuilder("""
                server:
                  upstream_timeout_ms: 2000
                  stream_idle_timeout_ms: 1000
                providers:
                  - name: scripted
                    type: openai
                    base_url: ${UPSTREAM}
                    api_key: sk-test-provider-key-1234567890
                  - { name: mock, type: mock }
                models:
                  - { name: mock-small, provider: mock, price: { input: 0.15, output: 0.60 } }
                """);
        for (String m : new String[] {"plain", "tools", "cut", "stopseq", "streamed", "toolstream", "cutmid", "broken", "refused"}) {
            yaml.append("  - { name: ").append(m).append(", provider: scripted, price: { input: 1, output: 2, cached_input: 0.5 } }\n");
        }
        return yaml.toString();
    }

    static HttpResponse<String> messages(String body, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) b.header("x-api-key", apiKey);
        return TestGateway.send(b.build());
    }

    static JsonNode json(String s) throws Exception { return JSON.readTree(s); }

    static String hello(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    }

    static final String USAGE = "{\"prompt_tokens\":30,\"completion_tokens\":7,\"total_tokens\":37,\"prompt_tokens_details\":{\"cached_tokens\":10}}";
    /** 20 uncached × $1 + 10 cached × $0.5 + 7 × $2 per 1M tokens, at $0.001 per credit. */
    static final String USAGE_COST = "0.039";

    @Test
    void requestIsTranslatedFieldByField() throws Exception {
        upstream.answer("plain", completion("{\"role\":\"assistant\",\"content\":\"ok\"}", "\"stop\"", USAGE));
        String request = """
                {"model":"plain","max_tokens":300,
                 "system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Answer in English.","cache_control":{"type":"ephemeral"}}],
                 "messages":[
                  {"role":"user","content":[{"type":"text","text":"What is in these images?"},
                    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                    {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
                    {"type":"text","text":"Let me check."},
                    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
                    {"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}]},
                  {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"toolu_1","content":"18C and sunny"},
                    {"type":"tool_result","tool_use_id":"toolu_2","is_error":true,"content":[{"type":"text","text":"clock"},{"type":"text","text":"timed out"},
                      {"type":"image","source":{"type":"url","url":"https://example.com/clock.png"}}]},
                    {"type":"text","text":"And tomorrow?"}]},
                  {"role":"assistant","content":"Tomorrow"}],
                 "stop_sequences":["END","STOP"],"temperature":0.5,"top_p":0.9,"top_k":40,"metadata":{"user_id":"u-1"},
                 "thinking":{"type":"enabled","budget_tokens":1024},
                 "tools":[{"name":"get_weather","description":"Weather for a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"cache_control":{"type":"ephemeral"}},
                          {"type":"custom","name":"get_time","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
                """;
        HttpResponse<String> res = messages(request, gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(upstream.lastRequest()).isEqualTo(json("""
                {"model":"plain","max_tokens":300,
                 "messages":[
                  {"role":"system","content":"Be brief.\\nAnswer in English."},
                  {"role":"user","content":[{"type":"text","text":"What is in these images?"},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                    {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
                  {"role":"assistant","content":"Let me check.","tool_calls":[
                    {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                    {"id":"toolu_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"18C and sunny"},
                  {"role":"tool","tool_call_id":"toolu_2","content":"[tool error] clock\\ntimed out"},
                  {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/clock.png"}},{"type":"text","text":"And tomorrow?"}]},
                  {"role":"assistant","content":"Tomorrow"}],
                 "stop":["END","STOP"],"temperature":0.5,"top_p":0.9,
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
                          {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}],
                 "tool_choice":"required","parallel_tool_calls":false}
                """));
    }

    @Test
    void systemStringAndToolChoiceVariants() throws Exception {
        upstream.answer("plain", completion("{\"role\":\"assistant\",\"content\":\"ok\"}", "\"stop\"", USAGE));
        String tools = "\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}]";
        String[][] cases = {
                {"{\"type\":\"auto\"}", "\"auto\""},
                {"{\"type\":\"tool\",\"name\":\"f\"}", "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"},
                {"{\"type\":\"none\"}", "\"none\""}};
        for (String[] c : cases) {
            HttpResponse<String> res = messages("{\"model\":\"plain\",\"max_tokens\":5,\"system\":\"You are terse.\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + tools + ",\"tool_choice\":" + c[0] + "}", gw.key);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode sent = upstream.lastRequest();
            assertThat(sent.path("messages").get(0)).isEqualTo(json("{\"role\":\"system\",\"content\":\"You are terse.\"}"));
            assertThat(sent.path("tool_choice")).as(c[0]).isEqualTo(json(c[1]));
            assertThat(sent.has("parallel_tool_calls")).isFalse();
        }
    }

    @Test
    void answerWithTextAndToolUseIsAnAnthropicMessage() throws Exception {
        upstream.answer("tools", completion("{\"role\":\"assistant\",\"content\":\"Checking.\",\"tool_calls\":["
                + "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}",
                "\"tool_calls\"", USAGE));
        HttpResponse<String> res = messages(hello("tools", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).contains("application/json");
        assertThat(res.headers().firstValue("x-tollgate-provider")).contains("scripted");
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("tools");
        assertThat(res.headers().firstValue("x-tollgate-cost")).contains(USAGE_COST);
        assertThat(res.headers().firstValue("x-tollgate-balance")).isPresent();
        assertThat(res.headers().firstValue("request-id")).isEqualTo(res.headers().firstValue("x-request-id"));
        ObjectNode body = (ObjectNode) json(res.body());
        assertThat(body.remove("id").asText()).matches(MSG_ID);
        assertThat(body).isEqualTo(json("""
                {"type":"message","role":"assistant","model":"tools",
                 "content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":20,"output_tokens":7,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"cost":0.039}}
                """));
    }

    @Test
    void stopReasonsAreMapped() throws Exception {
        String msg = "{\"role\":\"assistant\",\"content\":\"text\"}";
        upstream.answer("cut", completion(msg, "\"length\"", USAGE));
        upstream.answer("stopseq", completion(msg, "\"stop\",\"stop_reason\":\"END\"", USAGE)); // vLLM names the match
        upstream.answer("refused", completion(msg, "\"content_filter\"", USAGE));
        upstream.answer("plain", completion(msg, "\"stop\"", USAGE));
        assertThat(stop("{\"model\":\"cut\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .isEqualTo(json("{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null}"));
        assertThat(stop("{\"model\":\"stopseq\",\"max_tokens\":9,\"stop_sequences\":[\"END\"],\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .isEqualTo(json("{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\"}"));
        // the upstream's stop_reason is not one the client asked for: a natural end
        assertThat(stop("{\"model\":\"stopseq\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .isEqualTo(json("{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}"));
        assertThat(stop(hello("refused", false))).isEqualTo(json("{\"stop_reason\":\"refusal\",\"stop_sequence\":null}"));
        assertThat(stop(hello("plain", false))).isEqualTo(json("{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}"));
        assertThat(upstream.lastRequest().path("max_tokens").asInt()).isEqualTo(64);
    }

    static JsonNode stop(String request) throws Exception {
        HttpResponse<String> res = messages(request, gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode body = json(res.body());
        return JSON.createObjectNode().<ObjectNode>set("stop_reason", body.get("stop_reason")).set("stop_sequence", body.get("stop_sequence"));
    }

    @Test
    void textStreamIsAnthropicsEventSequenceByteForByte() {
        upstream.stream("streamed",
                chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
                chunk("{\"content\":\"Hello\"}", null),
                chunk("{\"content\":\" world\"}", null),
                chunk("{}", "stop"),
                usageChunk(USAGE));
        HttpResponse<String> res = messages(hello("streamed", true), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("streamed");
        assertThat(upstream.lastRequest().path("stream").asBoolean()).isTrue();
        assertThat(res.body().replaceAll(MSG_ID, "msg_ID")).isEqualTo("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_ID","type":"message","role":"assistant","model":"streamed","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":7,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"cost":0.039}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
    }

    @Test
    void toolCallStreamBecomesToolUseBlocksWithInputJsonDeltas() {
        upstream.stream("toolstream",
                chunk("{\"role\":\"assistant\",\"content\":\"Let me look.\"}", null),
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", null),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", null),
                chunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}", null),
                chunk("{}", "tool_calls"),
                usageChunk(USAGE));
        HttpResponse<String> res = messages(hello("toolstream", true), gw.key);
        assertThat(res.body().replaceAll(MSG_ID, "msg_ID")).isEqualTo("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_ID","type":"message","role":"assistant","model":"toolstream","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me look."}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_1","name":"get_weather","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":1}

                event: content_block_start
                data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_2","name":"get_time","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":2}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":7,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"cost":0.039}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
    }

    @Test
    void streamBrokenAfterTokensEndsWithAnAnthropicErrorEvent() throws Exception {
        upstream.streamThenCut("cutmid", chunk("{\"role\":\"assistant\",\"content\":\"\"}", null), chunk("{\"content\":\"partial\"}", null));
        HttpResponse<String> res = messages(hello("cutmid", true), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        String[] events = res.body().split("\n\n");
        assertThat(events).hasSize(4);
        assertThat(events[0]).startsWith("event: message_start\n");
        assertThat(events[2]).isEqualTo("event: content_block_delta\n"
                + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"partial\"}}");
        assertThat(events[3]).startsWith("event: error\ndata: ");
        JsonNode error = json(events[3].substring(events[3].indexOf("data: ") + 6));
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("error").path("message").asText()).isNotBlank();
        assertThat(error.path("request_id").asText()).isEqualTo(res.headers().firstValue("x-request-id").orElseThrow());
    }

    @Test
    void bearerAuthWorksToo() {
        HttpResponse<String> res = gw.post("/v1/messages", hello("mock-small", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("This is a mock answer to: Hello");
    }

    @Test
    void errorsUseAnthropicsShapeAndNameWhatWasWrong() throws Exception {
        upstream.fail("broken", 500, "{\"error\":{\"message\":\"boom " + "sk-proj-SECRET\"}}");
        assertError(messages(hello("mock-small", false), null), 401, "authentication_error", "x-api-key");
        assertError(messages(hello("mock-small", false), "tg-" + "b".repeat(43)), 401, "authentication_error", "Invalid");
        assertError(messages(hello("no-such-model", false), gw.key), 404, "not_found_error", "no-such-model");
        assertError(messages("{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", gw.key),
                400, "invalid_request_error", "max_tokens");
        assertError(messages("{\"model\":\"mock-small\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"search_result\",\"source\":\"https://x\"}]}]}", gw.key), 400, "invalid_request_error", "messages[0].content[0].type");
        assertError(messages("{\"model\":\"mock-small\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"Hi\"}]}", gw.key),
                400, "invalid_request_error", "messages[0].role");
        assertError(messages("{\"model\":\"mock-small\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
                + "\"source\":{\"type\":\"base64\",\"data\":\"xx\"}}]}]}", gw.key), 400, "invalid_request_error", "messages[0].content[0].source.media_type");
        // an unknown top-level field is no error (new SDK features): a translated provider drops it and says so
        HttpResponse<String> unknown = messages("{\"model\":\"mock-small\",\"max_tokens\":5,\"frobnicate\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", gw.key);
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.headers().firstValue("x-tollgate-dropped-fields")).hasValue("frobnicate");
        assertError(messages("{\"model\":\"mock-small\",\"max_tokens\":5,\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", gw.key), 400, "invalid_request_error", "web_search_20250305");
        assertError(messages("{not json", gw.key), 400, "invalid_request_error", "not valid JSON");
        HttpResponse<String> upstreamDown = messages(hello("broken", false), gw.key);
        assertError(upstreamDown, 502, "api_error", "");
        assertThat(upstreamDown.body()).doesNotContain("sk-proj-SECRET");
        HttpResponse<String> unknownUrl = TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages/batches"))
                .header("x-api-key", gw.key).POST(HttpRequest.BodyPublishers.ofString(hello("mock-small", false))).build());
        assertError(unknownUrl, 404, "not_found_error", "/v1/messages/batches");
        // the OpenAI endpoints keep OpenAI's shape
        JsonNode openAi = json(gw.post("/v1/chat/completions", TestGateway.chat("no-such-model", false), gw.key).body());
        assertThat(openAi.path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(openAi.has("type")).isFalse();
    }

    static void assertError(HttpResponse<String> res, int status, String type, String messagePart) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("content-type")).contains("application/json");
        JsonNode body = json(res.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).as(res.body()).isEqualTo(type);
        assertThat(body.path("error").path("message").asText()).as(res.body()).isNotBlank().contains(messagePart);
        assertThat(body.path("request_id").asText()).isEqualTo(res.headers().firstValue("x-request-id").orElseThrow());
    }
}
