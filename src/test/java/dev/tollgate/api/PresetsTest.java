package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.ScriptedOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presets (docs/presets.md) over the wire: CRUD, use on chat completions as the upstream sees it, isolation, plan limit. */
class PresetsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}";

    @TempDir
    static Path dir;
    static ScriptedOpenAi upstream;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = new ScriptedOpenAi()
                .answer("up-a", ScriptedOpenAi.completion("{\"role\":\"assistant\",\"content\":\"from a\"}", "\"stop\"", USAGE))
                .answer("up-b", ScriptedOpenAi.completion("{\"role\":\"assistant\",\"content\":\"from b\"}", "\"stop\"", USAGE));
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: model-a, provider: fake, upstream: up-a, price: { input: 1, output: 2 } }
                  - { name: model-b, provider: fake, upstream: up-b, price: { input: 1, output: 2 } }
                plans:
                  tiny: { max_presets: 2 }
                """, upstream.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    /** A fresh account (own key) so tests do not see each other's presets. */
    static String newKey(String plan) {
        String account = gw.gateway.accounts().create("presets-" + UUID.randomUUID(), plan).id();
        gw.gateway.ledger().grant("fund:" + account, account, TestGateway.FUNDING_MICROS, "test funding");
        return gw.gateway.accounts().createKey(account, "k", null, null).secret();
    }

    static JsonNode call(HttpResponse<String> res, int status) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        return JSON.readTree(res.body());
    }

    static HttpResponse<String> patch(String path, String body, String key) {
        return TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String slug() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void create(String key, String slug, boolean isPublic) throws Exception {
        call(gw.post("/v1/presets", "{\"slug\":\"" + slug + "\",\"name\":\"Terse\",\"model\":\"model-b\","
                + "\"system_prompt\":\"Answer in one word.\",\"params\":{\"temperature\":0.2,\"max_tokens\":50},"
                + "\"public\":" + isPublic + "}", key), 201);
    }

    @Test
    void theUpstreamSeesThePresetModelParamsAndSystemPrompt() throws Exception {
        String key = newKey(null);
        String slug = slug();
        create(key, slug, false);
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"@preset/" + slug + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", key);
        JsonNode answer = call(res, 200);
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("from b");
        assertThat(res.headers().firstValue("x-tollgate-preset")).hasValue(slug + "@1");
        JsonNode sent = upstream.lastRequest();
        assertThat(sent.get("model").asText()).isEqualTo("up-b");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Answer in one word.");
        assertThat(sent.at("/messages/1/content").asText()).isEqualTo("Hi");
        assertThat(sent.has("preset")).isFalse();
    }

    @Test
    void requestFieldsOverrideThePresetAndThePresetFieldIsStripped() throws Exception {
        String key = newKey(null);
        String slug = slug();
        create(key, slug, false);
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"preset\":\"" + slug + "\",\"model\":\"model-a\","
                + "\"temperature\":0.9,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", key);
        call(res, 200);
        JsonNode sent = upstream.lastRequest();
        assertThat(sent.get("model").asText()).isEqualTo("up-a");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.9);
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(50); // not set by the request: the preset's
        assertThat(sent.has("preset")).isFalse();
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Answer in one word.");
    }

    @Test
    void anotherAccountsPrivatePresetIsNotFoundAndAPublicOneIsUsableReadOnly() throws Exception {
        String owner = newKey(null);
        String other = newKey(null);
        String secret = slug();
        String shared = slug();
        create(owner, secret, false);
        create(owner, shared, true);
        JsonNode err = call(gw.post("/v1/chat/completions", "{\"model\":\"@preset/" + secret + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", other), 404);
        assertThat(err.at("/error/code").asText()).isEqualTo("preset_not_found");
        assertThat(call(gw.get("/v1/presets/" + secret, other), 404).at("/error/code").asText()).isEqualTo("preset_not_found");

        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"preset\":\"" + shared + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", other);
        call(res, 200);
        assertThat(res.headers().firstValue("x-tollgate-preset")).hasValue(shared + "@1");
        assertThat(upstream.lastRequest().get("model").asText()).isEqualTo("up-b");

        JsonNode listed = call(gw.get("/v1/presets", other), 200);
        assertThat(listed.get("data").findValuesAsText("slug")).contains(shared).doesNotContain(secret);
        assertThat(call(gw.get("/v1/presets/" + shared, other), 200).get("owned").asBoolean()).isFalse();
        // read-only for others: a change or delete is the same 404 as a missing preset, and nothing changed
        call(patch("/v1/presets/" + shared, "{\"model\":\"model-a\"}", other), 404);
        call(gw.delete("/v1/presets/" + shared, other), 404);
        assertThat(call(gw.get("/v1/presets/" + shared, owner), 200).get("model").asText()).isEqualTo("model-b");

        // duplicate: a private copy in the caller's account, editable there
        JsonNode copy = call(gw.post("/v1/presets/" + shared + "/duplicate", "{\"slug\":\"mine-" + shared + "\"}", other), 201);
        assertThat(copy.get("owned").asBoolean()).isTrue();
        assertThat(copy.get("public").asBoolean()).isFalse();
        assertThat(copy.get("system_prompt").asText()).isEqualTo("Answer in one word.");
        call(patch("/v1/presets/mine-" + shared, "{\"model\":\"model-a\"}", other), 200);
        call(gw.post("/v1/presets/" + secret + "/duplicate", "", other), 404);
    }

    @Test
    void everyPatchBumpsTheVersionAndUseReportsIt() throws Exception {
        String key = newKey(null);
        String slug = slug();
        create(key, slug, false);
        assertThat(call(patch("/v1/presets/" + slug, "{\"system_prompt\":\"Be brief.\"}", key), 200).get("version").asInt()).isEqualTo(2);
        JsonNode v3 = call(patch("/v1/presets/" + slug, "{\"params\":{\"temperature\":0.5}}", key), 200);
        assertThat(v3.get("version").asInt()).isEqualTo(3);
        assertThat(v3.get("system_prompt").asText()).isEqualTo("Be brief.");
        assertThat(call(gw.get("/v1/presets/" + slug, key), 200).get("version").asInt()).isEqualTo(3);
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"@preset/" + slug + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", key);
        call(res, 200);
        assertThat(res.headers().firstValue("x-tollgate-preset")).hasValue(slug + "@3");
        assertThat(upstream.lastRequest().at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(upstream.lastRequest().get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(upstream.lastRequest().has("max_tokens")).isFalse(); // params replaced as a whole
        call(gw.delete("/v1/presets/" + slug, key), 200);
        call(gw.get("/v1/presets/" + slug, key), 404);
    }

    @Test
    void thePlanLimitsHowManyPresetsAnAccountOwns() throws Exception {
        String key = newKey("tiny");
        String first = slug();
        create(key, first, false);
        create(key, slug(), false);
        JsonNode err = call(gw.post("/v1/presets", "{\"slug\":\"" + slug() + "\",\"model\":\"model-a\"}", key), 403);
        assertThat(err.at("/error/code").asText()).isEqualTo("preset_limit_reached");
        assertThat(err.at("/error/message").asText()).contains("max_presets").contains("2");
        call(gw.post("/v1/presets/" + first + "/duplicate", "{\"slug\":\"" + slug() + "\"}", key), 403);
        call(gw.delete("/v1/presets/" + first, key), 200);
        create(key, slug(), false); // room again
    }

    @Test
    void badInputIsRefused() throws Exception {
        String key = newKey(null);
        String slug = slug();
        create(key, slug, false);
        assertThat(call(gw.post("/v1/presets", "{\"slug\":\"" + slug + "\"}", key), 409).at("/error/code").asText())
                .isEqualTo("preset_exists");
        call(gw.post("/v1/presets", "{\"slug\":\"Bad Slug\"}", key), 400);
        call(gw.post("/v1/presets", "{\"slug\":\"ok-slug\",\"params\":{\"messages\":[]}}", key), 400);
        call(gw.post("/v1/chat/completions", "{\"model\":\"@preset/nope-" + slug + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", key), 404);
    }
}
