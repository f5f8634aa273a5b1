package dev.tollgate.provider.anthropic;

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

/**
 * {@code cache.auto_breakpoint}: a long system prompt sent to an Anthropic upstream gets one {@code cache_control}
 * on its last block — through the translated path (chat completions) and the pass-through path (/v1/messages),
 * plain and streamed — and nothing changes when the prompt is short, the caller placed any breakpoint of their
 * own, the model or plan switches it off, or the section is absent. The fake upstream records the body it got.
 */
class AutoBreakpointTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LONG = "You answer questions about the handbook. ".repeat(60); // ~2,400 chars ≈ 600 tokens
    static final String SHORT = "You are terse.";
    @TempDir
    static Path dir;
    static FakeAnthropic anthropic;
    static TestGateway gw;
    static String offPlanKey;

    @BeforeAll
    static void start() {
        anthropic = new FakeAnthropic();
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: claude, type: anthropic, base_url: "${UPSTREAM}", api_key: sk-ant-test-key-1234567890 }
                models:
                  - { name: sonnet, provider: claude, upstream: text, price: { input: 3, output: 15 } }
                  - { name: haiku, provider: claude, upstream: text, price: { input: 1, output: 5 } }
                  - { name: opus, provider: claude, upstream: text, price: { input: 15, output: 75 } }
                plans:
                  nocache: {}
                cache:
                  auto_breakpoint:
                    min_tokens: 400
                    models: { haiku: 5000, opus: 0 }
                    plans: { nocache: 0 }
                """, anthropic.baseUrl());
        String account = gw.gateway.accounts().create("no-breakpoints", "nocache").id();
        gw.gateway.ledger().grant("fund-nocache", account, TestGateway.FUNDING_MICROS, "test");
        offPlanKey = gw.gateway.accounts().createKey(account, "k", null, null).secret();
    }

    @AfterAll
    static void stop() {
        gw.close();
        anthropic.close();
    }

    static String chat(String model, String system, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"system\",\"content\":"
                + JSON.valueToTree(system) + "},{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    static String messages(String model, String systemJson, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"system\":" + systemJson
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]" + extra + "}";
    }

    /** Sends and returns the body the upstream received for it. */
    static JsonNode sent(String path, String body, String key) throws Exception {
        int before = anthropic.rawBodies.size();
        HttpResponse<String> res = gw.post(path, body, key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(anthropic.rawBodies).hasSize(before + 1);
        return JSON.readTree(new String(anthropic.rawBodies.get(before), StandardCharsets.UTF_8));
    }

    static void assertMarkedOnce(JsonNode body, String systemText) {
        JsonNode system = body.path("system");
        assertThat(system.isArray()).as(system.toString()).isTrue();
        JsonNode last = system.get(system.size() - 1);
        assertThat(last.path("cache_control")).isEqualTo(JSON.createObjectNode().put("type", "ephemeral"));
        StringBuilder text = new StringBuilder();
        system.forEach(b -> text.append(b.path("text").asText()));
        assertThat(text.toString()).isEqualTo(systemText);
        assertThat(body.toString().split("\"cache_control\"", -1)).as("exactly one breakpoint").hasSize(2);
    }

    @Test
    void aLongSystemPromptIsMarkedOnTheTranslatedPathPlainAndStreamed() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            assertMarkedOnce(sent("/v1/chat/completions", chat("sonnet", LONG, stream), gw.key), LONG);
        }
    }

    @Test
    void aLongSystemPromptIsMarkedOnThePassThroughPath() throws Exception {
        assertMarkedOnce(sent("/v1/messages", messages("sonnet", JSON.valueToTree(LONG).toString(), ""), gw.key), LONG);
        String blocks = "[{\"type\":\"text\",\"text\":\"Intro. \"},{\"type\":\"text\",\"text\":" + JSON.valueToTree(LONG) + "}]";
        JsonNode body = sent("/v1/messages", messages("sonnet", blocks, ",\"stream\":true"), gw.key);
        assertMarkedOnce(body, "Intro. " + LONG);
        assertThat(body.path("system").get(0).has("cache_control")).as("only the last block").isFalse();
    }

    @Test
    void aShortSystemPromptIsLeftAlone() throws Exception {
        JsonNode body = sent("/v1/chat/completions", chat("sonnet", SHORT, false), gw.key);
        assertThat(body.toString()).doesNotContain("cache_control");
        assertThat(body.path("system").isTextual() ? body.path("system").asText() : body.path("system").get(0).path("text").asText())
                .isEqualTo(SHORT);
    }

    @Test
    void theCallersOwnBreakpointsAreNeverAddedTo() throws Exception {
        // four breakpoints already (Anthropic's maximum): a fifth would be refused upstream
        String cc = ",\"cache_control\":{\"type\":\"ephemeral\"}";
        String tools = ",\"tools\":[{\"name\":\"a\",\"input_schema\":{\"type\":\"object\"}" + cc + "}]";
        String msgs = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"one\"" + cc + "},{\"type\":\"text\",\"text\":\"two\"" + cc
                + "},{\"type\":\"text\",\"text\":\"three\"" + cc + "}]}]";
        String body = "{\"model\":\"sonnet\",\"max_tokens\":100,\"system\":" + JSON.valueToTree(LONG) + ",\"messages\":" + msgs + tools + "}";
        JsonNode arrived = sent("/v1/messages", body, gw.key);
        assertThat(arrived.path("system").isTextual()).as("system untouched").isTrue();
        assertThat(arrived.toString().split("\"cache_control\"", -1)).as("still the caller's four").hasSize(5);

        // one breakpoint on a user message through chat completions (content part): none added either
        String chat = "{\"model\":\"sonnet\",\"messages\":[{\"role\":\"system\",\"content\":" + JSON.valueToTree(LONG)
                + "},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"" + cc + "}]}]}";
        JsonNode translated = sent("/v1/chat/completions", chat, gw.key);
        assertThat(translated.toString().split("\"cache_control\"", -1)).hasSize(2);
        assertThat(translated.path("system").toString()).doesNotContain("cache_control");
    }

    @Test
    void aModelOrPlanSettingWinsOverTheDefault() throws Exception {
        assertThat(sent("/v1/chat/completions", chat("haiku", LONG, false), gw.key).toString())
                .as("haiku's minimum is 5000").doesNotContain("cache_control");
        assertThat(sent("/v1/chat/completions", chat("opus", LONG, false), gw.key).toString())
                .as("off for opus").doesNotContain("cache_control");
        assertThat(sent("/v1/chat/completions", chat("sonnet", LONG, false), offPlanKey).toString())
                .as("off for the plan").doesNotContain("cache_control");
        String huge = LONG.repeat(10);
        assertMarkedOnce(sent("/v1/chat/completions", chat("haiku", huge, false), gw.key), huge);
    }

    @Test
    void withoutTheSectionNothingIsMarked(@TempDir Path other) throws Exception {
        TestGateway plain = TestGateway.start(other, """
                providers:
                  - { name: claude, type: anthropic, base_url: "${UPSTREAM}", api_key: sk-ant-test-key-1234567890 }
                models:
                  - { name: sonnet, provider: claude, upstream: text, price: { input: 3, output: 15 } }
                """, anthropic.baseUrl());
        try {
            int before = anthropic.rawBodies.size();
            assertThat(plain.post("/v1/chat/completions", chat("sonnet", LONG.repeat(20), false), plain.key).statusCode()).isEqualTo(200);
            assertThat(new String(anthropic.rawBodies.get(before), StandardCharsets.UTF_8)).doesNotContain("cache_control");
        } finally {
            plain.close();
        }
    }
}
