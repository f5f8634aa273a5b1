package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/responses} over the wire against a scripted OpenAI-compatible upstream: translation, billing, state. */
class ResponsesApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}";

    @TempDir
    static Path dir;
    static ScriptedOpenAi upstream;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = new ScriptedOpenAi()
                .answer("up-text", ScriptedOpenAi.completion("{\"role\":\"assistant\",\"content\":\"Hello Ada\"}", "\"stop\"", USAGE))
                .answer("up-tools", ScriptedOpenAi.completion("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                        + "[{\"id\":\"call_42\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}",
                        "\"tool_calls\"", USAGE))
                .answer("up-long", ScriptedOpenAi.completion("{\"role\":\"assistant\",\"content\":\"Cut sh\"}", "\"length\"", USAGE))
                .stream("up-stream",
                        ScriptedOpenAi.chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
                        ScriptedOpenAi.chunk("{\"content\":\"Hel\"}", null),
                        ScriptedOpenAi.chunk("{\"content\":\"lo Ada\"}", null),
                        ScriptedOpenAi.chunk("{}", "stop"),
                        ScriptedOpenAi.usageChunk(USAGE))
                .stream("up-stream-tools",
                        ScriptedOpenAi.chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_7\","
                                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null),
                        ScriptedOpenAi.chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", null),
                        ScriptedOpenAi.chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", null),
                        ScriptedOpenAi.chunk("{}", "tool_calls"),
                        ScriptedOpenAi.usageChunk(USAGE))
                .stream("up-stream-reasoning",
                        ScriptedOpenAi.chunk("{\"role\":\"assistant\",\"reasoning_content\":\"Think\"}", null),
                        ScriptedOpenAi.chunk("{\"content\":\"Answer\"}", null),
                        ScriptedOpenAi.chunk("{}", "stop"),
                        ScriptedOpenAi.usageChunk(USAGE))
                .streamThenCut("up-cut",
                        ScriptedOpenAi.chunk("{\"role\":\"assistant\",\"content\":\"Partial\"}", null));
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: gpt-text, provider: fake, upstream: up-text, price: { input: 1, output: 2 } }
                  - { name: gpt-tools, provider: fake, upstream: up-tools, price: { input: 1, output: 2 } }
                  - { name: gpt-long, provider: fake, upstream: up-long, price: { input: 1, output: 2 } }
                  - { name: gpt-stream, provider: fake, upstream: up-stream, price: { input: 1, output: 2 } }
                  - { name: gpt-stream-tools, provider: fake, upstream: up-stream-tools, price: { input: 1, output: 2 } }
                  - { name: gpt-stream-reasoning, provider: fake, upstream: up-stream-reasoning, price: { input: 1, output: 2 } }
                  - { name: gpt-cut, provider: fake, upstream: up-cut, price: { input: 1, output: 2 } }
                  - { name: gpt-dear, provider: fake, upstream: up-text, price: { input: 1000000, output: 1000000 } }
                """, upstream.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    static JsonNode post(String body, String key, int status) throws Exception {
        HttpResponse<String> res = gw.post("/v1/responses", body, key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        return JSON.readTree(res.body());
    }

    long balanceMicros() {
        return gw.gateway.ledger().balance(gw.accountId).postedMicros();
    }

    @Test
    void aStringInputIsAnsweredAsAResponseObjectAndChargedLikeChat() throws Exception {
        long before = balanceMicros();
        JsonNode r = post("{\"model\":\"gpt-text\",\"input\":\"My name is Ada\",\"instructions\":\"Be brief.\",\"max_output_tokens\":50}",
                gw.key, 200);
        assertThat(r.path("id").asText()).startsWith("resp_");
        assertThat(r.path("object").asText()).isEqualTo("response");
        assertThat(r.path("status").asText()).isEqualTo("completed");
        assertThat(r.path("model").asText()).as("the public name asked for").isEqualTo("gpt-text");
        assertThat(r.path("instructions").asText()).isEqualTo("Be brief.");
        JsonNode message = r.path("output").get(0);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("output_text");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("Hello Ada");
        assertThat(message.path("content").get(0).path("annotations").isArray()).isTrue();
        JsonNode usage = r.path("usage");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(10);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(5);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(15);
        assertThat(usage.path("input_tokens_details").path("cached_tokens").asLong()).isZero();
        long cost = Credits.micros(usage.path("cost").decimalValue().toPlainString());
        assertThat(cost).as("10 in at 1 + 5 out at 2").isPositive();
        assertThat(before - balanceMicros()).as("the ledger charged what usage.cost says").isEqualTo(cost);

        JsonNode sent = upstream.lastRequest();
        assertThat(sent.path("messages").toString())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"My name is Ada\"}]");
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void aStopAtTheOutputCapIsIncomplete() throws Exception {
        JsonNode r = post("{\"model\":\"gpt-long\",\"input\":\"Tell me a long story\",\"max_output_tokens\":5}", gw.key, 200);
        assertThat(r.path("status").asText()).isEqualTo("incomplete");
        assertThat(r.path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void previousResponseIdSendsTheStoredConversationWithoutItsInstructions() throws Exception {
        JsonNode first = post("{\"model\":\"gpt-text\",\"input\":\"My name is Ada\",\"instructions\":\"Old rules.\"}", gw.key, 200);
        JsonNode second = post("{\"model\":\"gpt-text\",\"input\":[{\"role\":\"user\",\"content\":\"What is my name?\"}],"
                + "\"instructions\":\"New rules.\",\"previous_response_id\":\"" + first.path("id").asText() + "\"}", gw.key, 200);
        assertThat(second.path("previous_response_id").asText()).isEqualTo(first.path("id").asText());
        post("{\"model\":\"gpt-text\",\"input\":\"And again?\",\"previous_response_id\":\"" + second.path("id").asText() + "\"}",
                gw.key, 200);
        assertThat(upstream.lastRequest().path("messages").toString()).isEqualTo("["
                + "{\"role\":\"user\",\"content\":\"My name is Ada\"},{\"role\":\"assistant\",\"content\":\"Hello Ada\"},"
                + "{\"role\":\"user\",\"content\":\"What is my name?\"},{\"role\":\"assistant\",\"content\":\"Hello Ada\"},"
                + "{\"role\":\"user\",\"content\":\"And again?\"}]");
    }

    @Test
    void aFunctionCallIsAnOutputItemAndItsOutputGoesBackAsAToolMessage() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        JsonNode r = post("{\"model\":\"gpt-tools\",\"input\":\"Weather in Paris?\"," + tools + "}", gw.key, 200);
        JsonNode call = r.path("output").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("id").asText()).startsWith("fc_");
        assertThat(call.path("call_id").asText()).isEqualTo("call_42");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.path("arguments").asText()).path("city").asText()).isEqualTo("Paris");
        JsonNode sentTools = upstream.lastRequest().path("tools");
        assertThat(sentTools.get(0).path("function").path("name").asText()).as("nested as chat wants").isEqualTo("get_weather");
        assertThat(sentTools.get(0).path("function").path("parameters").path("type").asText()).isEqualTo("object");

        // the stateless way: the caller sends the call and its output back as items
        post("{\"model\":\"gpt-text\",\"input\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}," + call
                + ",{\"type\":\"function_call_output\",\"call_id\":\"call_42\",\"output\":\"18C\"}]," + tools + "}", gw.key, 200);
        JsonNode messages = upstream.lastRequest().path("messages");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).path("tool_calls").get(0).path("id").asText()).isEqualTo("call_42");
        assertThat(messages.get(1).path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(messages.get(2).toString()).isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"call_42\",\"content\":\"18C\"}");

        // the stateful way: only the output, continuing the stored response
        post("{\"model\":\"gpt-text\",\"previous_response_id\":\"" + r.path("id").asText() + "\",\"input\":["
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_42\",\"output\":\"18C\"}]," + tools + "}", gw.key, 200);
        JsonNode continued = upstream.lastRequest().path("messages");
        assertThat(continued).hasSize(3);
        assertThat(continued.get(1).path("tool_calls").get(0).path("id").asText()).isEqualTo("call_42");
        assertThat(continued.get(2).path("role").asText()).isEqualTo("tool");
    }

    @Test
    void aStoredResponseIsReadAndDeletedByItsOwnerOnly() throws Exception {
        JsonNode created = post("{\"model\":\"gpt-text\",\"input\":\"My name is Ada\",\"metadata\":{\"k\":\"v\"}}", gw.key, 200);
        String id = created.path("id").asText();
        assertThat(created.path("store").asBoolean()).isTrue();
        HttpResponse<String> got = gw.get("/v1/responses/" + id, gw.key);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(got.body())).isEqualTo(created);

        String otherKey = otherAccountKey(1_000_000);
        assertThat(gw.get("/v1/responses/" + id, otherKey).statusCode()).isEqualTo(404);
        assertThat(gw.get("/v1/responses/" + id + "/input_items", otherKey).statusCode()).isEqualTo(404);
        JsonNode items = JSON.readTree(gw.get("/v1/responses/" + id + "/input_items?order=asc&limit=1", gw.key).body());
        assertThat(items.path("data").get(0).path("content").get(0).path("text").asText()).isEqualTo("My name is Ada");
        assertThat(items.path("has_more").asBoolean()).isFalse();
        assertThat(gw.delete("/v1/responses/" + id, otherKey).statusCode()).isEqualTo(404);
        post("{\"model\":\"gpt-text\",\"input\":\"hi\",\"previous_response_id\":\"" + id + "\"}", otherKey, 404);
        assertThat(gw.get("/v1/responses/" + id, gw.key).statusCode()).as("still there for its owner").isEqualTo(200);

        HttpResponse<String> deleted = gw.delete("/v1/responses/" + id, gw.key);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(deleted.body()).toString())
                .isEqualTo("{\"id\":\"" + id + "\",\"object\":\"response.deleted\",\"deleted\":true}");
        assertThat(gw.get("/v1/responses/" + id, gw.key).statusCode()).isEqualTo(404);
        assertThat(gw.delete("/v1/responses/" + id, gw.key).statusCode()).isEqualTo(404);
    }

    @Test
    void storeFalseKeepsNothing() throws Exception {
        JsonNode r = post("{\"model\":\"gpt-text\",\"input\":\"hi\",\"store\":false}", gw.key, 200);
        assertThat(r.path("store").asBoolean()).isFalse();
        assertThat(gw.get("/v1/responses/" + r.path("id").asText(), gw.key).statusCode()).isEqualTo(404);
        JsonNode error = post("{\"model\":\"gpt-text\",\"input\":\"hi\",\"previous_response_id\":\"" + r.path("id").asText() + "\"}",
                gw.key, 404);
        assertThat(error.path("error").path("param").asText()).isEqualTo("previous_response_id");
    }

    @Test
    void aStreamIsTheResponseEventSequenceAndIsStored() throws Exception {
        long before = balanceMicros();
        HttpResponse<String> res = gw.post("/v1/responses", "{\"model\":\"gpt-stream\",\"input\":\"hi\",\"stream\":true}", gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = events(res.body());
        List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(events.get(4).path("delta").asText() + events.get(5).path("delta").asText()).isEqualTo("Hello Ada");
        assertThat(events.get(6).path("text").asText()).isEqualTo("Hello Ada");
        JsonNode completed = events.get(9).path("response");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Hello Ada");
        assertThat(completed.path("usage").path("output_tokens").asLong()).isEqualTo(5);
        long cost = Credits.micros(completed.path("usage").path("cost").decimalValue().toPlainString());
        assertThat(cost).isPositive();
        assertThat(before - balanceMicros()).isEqualTo(cost);
        assertThat(events.get(0).path("response").path("id").asText()).isEqualTo(completed.path("id").asText());

        HttpResponse<String> got = gw.get("/v1/responses/" + completed.path("id").asText(), gw.key);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(got.body())).isEqualTo(completed);
    }

    @Test
    void tooFewCreditsIs402AndNothingIsCalled() throws Exception {
        String poorKey = otherAccountKey(1);
        int calls = upstream.requests.size();
        JsonNode error = post("{\"model\":\"gpt-dear\",\"input\":\"hi\"}", poorKey, 402);
        assertThat(error.path("error").path("code").asText()).isEqualTo("insufficient_credits");
        assertThat(upstream.requests).hasSize(calls);
    }

    @Test
    void whatCannotBeServedIsRefusedNamingTheField() throws Exception {
        JsonNode builtIn = post("{\"model\":\"gpt-text\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}", gw.key, 400);
        assertThat(builtIn.path("error").path("param").asText()).isEqualTo("tools[0].type");
        assertThat(builtIn.path("error").path("message").asText()).contains("web_search");
        JsonNode background = post("{\"model\":\"gpt-text\",\"input\":\"hi\",\"background\":true}", gw.key, 400);
        assertThat(background.path("error").path("param").asText()).isEqualTo("background");
        JsonNode noInput = post("{\"model\":\"gpt-text\"}", gw.key, 400);
        assertThat(noInput.path("error").path("param").asText()).isEqualTo("input");
        JsonNode reference = post("{\"model\":\"gpt-text\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}", gw.key, 400);
        assertThat(reference.path("error").path("param").asText()).isEqualTo("input[0].type");
        JsonNode cap = post("{\"model\":\"gpt-text\",\"input\":\"hi\",\"max_output_tokens\":0}", gw.key, 400);
        assertThat(cap.path("error").path("param").asText()).isEqualTo("max_output_tokens");
    }

    /** The events of a Responses stream, checking the framing: event name = type, sequence numbers from 0. */
    static List<JsonNode> events(String body) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        assertThat(body).endsWith("\n\n");
        for (String block : body.split("\n\n")) {
            String[] lines = block.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            JsonNode data = JSON.readTree(lines[1].substring(6));
            assertThat(data.path("type").asText()).as("event name = type").isEqualTo(lines[0].substring(7));
            assertThat(data.path("sequence_number").asInt()).isEqualTo(events.size());
            events.add(data);
        }
        return events;
    }

    static List<JsonNode> stream(String model) throws Exception {
        HttpResponse<String> res = gw.post("/v1/responses", "{\"model\":\"" + model + "\",\"input\":\"hi\",\"stream\":true}", gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return events(res.body());
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    @Test
    void aStreamedFunctionCallHasItsArgumentEvents() throws Exception {
        List<JsonNode> events = stream("gpt-stream-tools");
        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        JsonNode added = events.get(2).path("item");
        assertThat(added.path("type").asText()).isEqualTo("function_call");
        assertThat(added.path("call_id").asText()).isEqualTo("call_7");
        assertThat(events.get(5).path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(events.get(5).path("item_id").asText()).isEqualTo(added.path("id").asText());
        JsonNode call = events.get(7).path("response").path("output").get(0);
        assertThat(call.path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(call.path("status").asText()).isEqualTo("completed");
    }

    @Test
    void streamedReasoningIsAReasoningItemBeforeTheMessage() throws Exception {
        List<JsonNode> events = stream("gpt-stream-reasoning");
        assertThat(types(events)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_text.delta", "response.reasoning_text.done", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        JsonNode output = events.get(12).path("response").path("output");
        assertThat(output.get(0).path("type").asText()).isEqualTo("reasoning");
        assertThat(output.get(0).path("content").get(0).path("text").asText()).isEqualTo("Think");
        assertThat(events.get(8).path("output_index").asInt()).as("the message is output item 1").isEqualTo(1);
        assertThat(output.get(1).path("content").get(0).path("text").asText()).isEqualTo("Answer");
    }

    @Test
    void aStreamCutAfterItStartedEndsWithResponseFailedAndIsChargedForWhatWasProduced() throws Exception {
        long before = balanceMicros();
        List<JsonNode> events = stream("gpt-cut");
        assertThat(types(events)).startsWith("response.created", "response.in_progress", "response.output_item.added")
                .endsWith("response.failed");
        JsonNode failed = events.get(events.size() - 1).path("response");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").path("message").asText()).isNotBlank();
        assertThat(before - balanceMicros()).as("the tokens produced before the cut").isPositive();
        assertThat(gw.get("/v1/responses/" + failed.path("id").asText(), gw.key).statusCode()).as("not stored").isEqualTo(404);
    }

    @Test
    void anEmergencyStopOfTheAccountRefusesWithoutCallingOrCharging() throws Exception {
        String account = gw.gateway.accounts().create("stopped-" + java.util.UUID.randomUUID(), null).id();
        gw.gateway.ledger().grant("fund:" + account, account, 1_000_000_000L, "test");
        String key = gw.gateway.accounts().createKey(account, "stopped", null, null).secret();
        HttpResponse<String> stop = gw.post("/admin/emergency-stop",
                "{\"scope\":\"account\",\"id\":\"" + account + "\",\"reason\":\"runaway agent\"}", TestGateway.ADMIN_TOKEN);
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(201);
        int calls = upstream.requests.size();
        for (String stream : new String[] {"false", "true"}) {
            JsonNode error = post("{\"model\":\"gpt-text\",\"input\":\"hi\",\"stream\":" + stream + "}", key, 503);
            assertThat(error.path("error").path("code").asText()).isEqualTo("emergency_stop");
        }
        assertThat(upstream.requests).hasSize(calls);
        assertThat(gw.gateway.ledger().balance(account).postedMicros()).isEqualTo(1_000_000_000L);
    }

    @Test
    void otherMethodsOnTheResponsesPathsAre405() {
        assertThat(gw.get("/v1/responses", gw.key).statusCode()).isEqualTo(405);
        assertThat(gw.post("/v1/responses/resp_x", "{}", gw.key).statusCode()).isEqualTo(405);
    }

    /** A second account with its own key and {@code micros} of credits. */
    static String otherAccountKey(long micros) {
        String account = gw.gateway.accounts().create("other-" + java.util.UUID.randomUUID(), null).id();
        gw.gateway.ledger().grant("fund:" + account, account, micros, "test");
        return gw.gateway.accounts().createKey(account, "other", null, null).secret();
    }

}
