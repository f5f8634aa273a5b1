package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.FakeGemini;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/chat/completions}: unknown and untranslatable fields pass to an OpenAI-compatible provider and are
 * named in {@code x-tollgate-dropped-fields} when a translating adapter (Anthropic, Gemini) answered, plain and
 * streamed; Tollgate's own fields are never named.
 */
class DroppedFieldsTest {
    @TempDir
    static Path dir;
    static FakeAnthropic anthropic;
    static FakeGemini gemini;
    static FakeOpenAi openai;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        anthropic = new FakeAnthropic();
        gemini = new FakeGemini();
        openai = new FakeOpenAi();
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: claude, type: anthropic, base_url: "%s", api_key: sk-ant-api03-gateway-provider-key-0000 }
                  - { name: google, type: gemini, base_url: "%s", api_key: AIzaSyGATEWAY-provider-key-0000000000000 }
                  - { name: oai, type: openai, base_url: "%s", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: sonnet, provider: claude, upstream: text, price: { input: 3, output: 15 } }
                  - { name: flash, provider: google, upstream: text, price: { input: 1, output: 2 } }
                  - { name: gpt, provider: oai, upstream: gpt-4o, price: { input: 1, output: 2 } }
                """.formatted(anthropic.baseUrl(), gemini.baseUrl(), openai.baseUrl()), null);
    }

    @AfterAll
    static void stop() {
        gw.close();
        anthropic.close();
        gemini.close();
        openai.close();
    }

    static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"50256\":-100},"
                + "\"frequency_penalty\":0.5,\"thread\":{\"id\":\"t-1\"},\"prefer_cheap\":false,\"temperature\":0.3"
                + (stream ? ",\"stream\":true" : "") + "}";
    }

    static HttpResponse<String> post(String model, boolean stream) {
        HttpResponse<String> res = gw.post("/v1/chat/completions", body(model, stream), gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res;
    }

    @Test
    void translatingAdaptersNameWhatTheirProviderNeverSaw() {
        for (boolean stream : new boolean[] {false, true}) {
            assertThat(post("sonnet", stream).headers().firstValue("x-tollgate-dropped-fields"))
                    .as("stream=" + stream).hasValue("logit_bias, frequency_penalty, thread");
            assertThat(post("flash", stream).headers().firstValue("x-tollgate-dropped-fields"))
                    .as("Gemini takes frequency_penalty").hasValue("logit_bias, thread");
        }
    }

    @Test
    void anOpenAiCompatibleProviderGetsEveryFieldAndNothingIsNamed() {
        HttpResponse<String> res = post("gpt", false);
        assertThat(res.headers().firstValue("x-tollgate-dropped-fields")).isEmpty();
        var sent = openai.requests.get(openai.requests.size() - 1);
        assertThat(sent.path("thread").path("id").asText()).isEqualTo("t-1");
        assertThat(sent.path("logit_bias").path("50256").asInt()).isEqualTo(-100);
    }
}
