package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presets on /v1/messages and /v1/responses (docs/presets.md), as the upstream sees them, and the preset's slug and
 * version on every usage event; a public preset of another account works on every endpoint.
 */
class PresetsEverywhereTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}";

    @TempDir
    static Path dir;
    static ScriptedOpenAi upstream;
    static FakeAnthropic anthropic;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = new ScriptedOpenAi()
                .answer("up-a", ScriptedOpenAi.completion("{\"role\":\"assistant\",\"content\":\"from a\"}", "\"stop\"", USAGE))
                .answer("up-b", ScriptedOpenAi.completion("{\"role\":\"assistant\",\"content\":\"from b\"}", "\"stop\"", USAGE));
        anthropic = new FakeAnthropic();
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                  - { name: claude, type: anthropic, base_url: "%s", api_key: sk-ant-test-provider-key-1234567890 }
                models:
                  - { name: model-a, provider: fake, upstream: up-a, price: { input: 1, output: 2 } }
                  - { name: model-b, provider: fake, upstream: up-b, price: { input: 1, output: 2 } }
                  - { name: claude, provider: claude, upstream: text, price: { input: 1, output: 2 } }
                """.formatted(anthropic.baseUrl()), upstream.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
        anthropic.close();
    }

    static String newKey() {
        String account = gw.gateway.accounts().create("presets-" + UUID.randomUUID(), null).id();
        gw.gateway.ledger().grant("fund:" + account, account, TestGateway.FUNDING_MICROS, "test funding");
        return gw.gateway.accounts().createKey(account, "k", null, null).secret();
    }

    static String slug() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void create(String key, String slug, String model, boolean isPublic) {
        HttpResponse<String> res = gw.post("/v1/presets", "{\"slug\":\"" + slug + "\",\"model\":\"" + model + "\","
                + "\"system_prompt\":\"Answer in one word.\",\"params\":{\"temperature\":0.2,\"max_tokens\":50,"
                + "\"stop\":\"END\",\"top_p\":0.5},\"public\":" + isPublic + "}", key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    }

    static HttpResponse<String> post(String path, String body, String key, String requestId) {
        return TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header("anthropic-version", "2023-06-01").header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static List<String> column(String sql) throws Exception {
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        List<String> out = new ArrayList<>();
        try (Connection c = gw.gateway.usage().store().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void messagesGetsThePresetsModelSystemPromptAndParamsInAnthropicsFields() throws Exception {
        String key = newKey();
        String s = slug();
        create(key, s, "model-a", false);
        String rid = "preset-msg-" + UUID.randomUUID();
        HttpResponse<String> res = post("/v1/messages", "{\"model\":\"@preset/" + s + "\",\"max_tokens\":20,"
                + "\"system\":\"Be kind.\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", key, rid);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-preset")).hasValue(s + "@1");
        assertThat(res.headers().firstValue("x-tollgate-model")).hasValue("model-a");
        JsonNode sent = upstream.lastRequest(); // translated to OpenAI chat for the OpenAI-compatible upstream
        assertThat(sent.path("model").asText()).isEqualTo("up-a");
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").toString()).contains("Answer in one word.");
        assertThat(sent.path("messages").toString()).contains("Be kind.");
        assertThat(sent.path("max_tokens").asInt()).as("the request's own max_tokens wins").isEqualTo(20);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.path("stop").toString()).contains("END");
        assertThat(sent.has("preset")).isFalse();
        assertThat(column("SELECT preset || '@' || preset_version FROM usage_events WHERE request_id = '" + rid + "'"))
                .containsExactly(s + "@1");
    }

    @Test
    void anAnthropicDeploymentGetsThePresetInTheClientsOwnBody() throws Exception {
        String key = newKey();
        String s = slug();
        create(key, s, "claude", false);
        HttpResponse<String> res = post("/v1/messages", "{\"preset\":\"" + s + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", key, "preset-claude-" + UUID.randomUUID());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode sent = anthropic.last().body();
        assertThat(sent.path("system").asText()).isEqualTo("Answer in one word.");
        assertThat(sent.path("max_tokens").asInt()).as("the preset fills Anthropic's required max_tokens").isEqualTo(50);
        assertThat(sent.path("stop_sequences").toString()).isEqualTo("[\"END\"]");
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.5);
        assertThat(sent.has("preset")).isFalse();
        assertThat(sent.has("stop")).isFalse();
    }

    @Test
    void responsesGetsThePresetAsInstructionsAndResponsesFields() throws Exception {
        String key = newKey();
        String s = slug();
        create(key, s, "model-b", false);
        // a new version: the usage event records the one used
        HttpResponse<String> patched = TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/presets/" + s))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"v2\"}")).build());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        String rid = "preset-resp-" + UUID.randomUUID();
        HttpResponse<String> res = post("/v1/responses", "{\"preset\":\"" + s + "\",\"instructions\":\"Be kind.\","
                + "\"temperature\":0.9,\"input\":\"Hi\"}", key, rid);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-preset")).hasValue(s + "@2");
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("model").asText()).isEqualTo("model-b");
        assertThat(body.path("instructions").asText()).isEqualTo("Answer in one word.\n\nBe kind.");
        assertThat(body.path("max_output_tokens").asInt()).isEqualTo(50);
        JsonNode sent = upstream.lastRequest();
        assertThat(sent.path("model").asText()).isEqualTo("up-b");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Answer in one word.\n\nBe kind.");
        assertThat(sent.path("temperature").asDouble()).as("the request's temperature wins").isEqualTo(0.9);
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.5);
        assertThat(column("SELECT preset || '@' || preset_version FROM usage_events WHERE request_id = '" + rid + "'"))
                .containsExactly(s + "@2");
    }

    @Test
    void anotherAccountsPublicPresetWorksOnEveryEndpointAndRequestsWithoutOneRecordNone() throws Exception {
        String owner = newKey();
        String user = newKey();
        String s = slug();
        create(owner, s, "model-a", true);
        String chat = "preset-pub-chat-" + UUID.randomUUID();
        assertThat(post("/v1/chat/completions", "{\"model\":\"@preset/" + s + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}", user, chat).statusCode()).isEqualTo(200);
        String responses = "preset-pub-resp-" + UUID.randomUUID();
        assertThat(post("/v1/responses", "{\"model\":\"@preset/" + s + "\",\"input\":\"Hi\"}", user, responses).statusCode())
                .isEqualTo(200);
        String plain = "preset-none-" + UUID.randomUUID();
        assertThat(post("/v1/chat/completions", "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                user, plain).statusCode()).isEqualTo(200);
        assertThat(column("SELECT request_id || '=' || COALESCE(preset || '@' || preset_version, 'none') FROM usage_events "
                + "WHERE request_id IN ('" + chat + "', '" + responses + "', '" + plain + "') ORDER BY request_id"))
                .containsExactlyInAnyOrder(chat + "=" + s + "@1", responses + "=" + s + "@1", plain + "=none");
        // GET /v1/presets/{slug}/usage: the caller's own use, by version; the owner did not use it
        JsonNode mine = JSON.readTree(gw.get("/v1/presets/" + s + "/usage?days=1", user).body());
        assertThat(mine.path("data")).hasSize(1);
        assertThat(mine.at("/data/0/version").asInt()).isEqualTo(1);
        assertThat(mine.at("/data/0/requests").asInt()).isEqualTo(2);
        assertThat(mine.at("/data/0/input_tokens").asInt()).isEqualTo(20);
        assertThat(mine.at("/data/0/cost").decimalValue()).isPositive();
        assertThat(JSON.readTree(gw.get("/v1/presets/" + s + "/usage", owner).body()).path("data")).isEmpty();
        HttpResponse<String> bad = gw.get("/v1/presets/Not_A_Slug/usage", user);
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> missing = post("/v1/messages", "{\"model\":\"@preset/nope-" + s + "\",\"max_tokens\":5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", user, "preset-missing-" + UUID.randomUUID());
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(404);
        assertThat(missing.body()).contains("preset");
    }
}
