package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeAnthropic;
import dev.tollgate.testing.FakeGemini;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files (PDF) and audio in prompts: OpenAI {@code file} / {@code input_audio} parts, Responses {@code input_file} /
 * {@code input_audio} and Anthropic {@code document} blocks reach the providers that take them in each one's own
 * form, are held for by pages and seconds (not by their base64), and are refused with a 400 naming the part and
 * the model where the model or its provider cannot take them.
 */
class FilesAndAudioTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static FakeAnthropic anthropic;
    static FakeGemini gemini;
    static FakeOpenAi openai;
    static TestGateway gw;

    /** A 3-page PDF padded to 300 KB, so its base64 (400 KB) is far larger than any context window used here. */
    static final String PDF;
    static final String WAV;

    static {
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n1 0 obj << /Type /Pages /Count 3 >> endobj\n");
        for (int i = 0; i < 3; i++) pdf.append(2 + i).append(" 0 obj << /Type /Page /Parent 1 0 R >> endobj\n");
        byte[] bytes = java.util.Arrays.copyOf(pdf.append("%%EOF\n").toString().getBytes(StandardCharsets.ISO_8859_1), 300_000);
        PDF = Base64.getEncoder().encodeToString(bytes);
        ByteBuffer wav = ByteBuffer.allocate(44 + 32_000).order(ByteOrder.LITTLE_ENDIAN); // 1 s at 32,000 B/s
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 32_000).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(32_000).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(32_000);
        WAV = Base64.getEncoder().encodeToString(wav.array());
    }

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
                  - { name: sonnet, provider: claude, upstream: text, price: { input: 3, output: 15 }, context_window: 200000 }
                  - { name: flash, provider: google, upstream: text, price: { input: 1, output: 2 }, context_window: 200000 }
                  - { name: gpt, provider: oai, upstream: gpt-4o, price: { input: 1, output: 2 }, context_window: 128000 }
                  - { name: text-only, provider: oai, upstream: plain, price: { input: 1, output: 2 }, capabilities: [tools, vision] }
                """.formatted(anthropic.baseUrl(), gemini.baseUrl(), openai.baseUrl()), null);
    }

    @AfterAll
    static void stop() {
        gw.close();
        anthropic.close();
        gemini.close();
        openai.close();
    }

    static String chat(String model, String part) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"Summarise this\"}," + part + "]}]}";
    }

    static String filePart() {
        return "{\"type\":\"file\",\"file\":{\"filename\":\"report.pdf\",\"file_data\":\"data:application/pdf;base64," + PDF + "\"}}";
    }

    static String audioPart() {
        return "{\"type\":\"input_audio\",\"input_audio\":{\"format\":\"wav\",\"data\":\"" + WAV + "\"}}";
    }

    static HttpResponse<String> ok(HttpResponse<String> res) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res;
    }

    @Test
    void aPdfReachesEachProviderInItsOwnForm() throws Exception {
        ok(gw.post("/v1/chat/completions", chat("sonnet", filePart()), gw.key));
        JsonNode document = anthropic.last().body().path("messages").get(0).path("content").get(1);
        assertThat(document.path("type").asText()).isEqualTo("document");
        assertThat(document.path("title").asText()).isEqualTo("report.pdf");
        assertThat(document.path("source").path("media_type").asText()).isEqualTo("application/pdf");
        assertThat(document.path("source").path("data").asText()).isEqualTo(PDF);

        ok(gw.post("/v1/chat/completions", chat("flash", filePart()), gw.key));
        JsonNode inline = gemini.last().body().path("contents").get(0).path("parts").get(1).path("inlineData");
        assertThat(inline.path("mimeType").asText()).isEqualTo("application/pdf");
        assertThat(inline.path("data").asText()).isEqualTo(PDF);

        ok(gw.post("/v1/chat/completions", chat("gpt", filePart()), gw.key));
        JsonNode file = openai.requests.get(openai.requests.size() - 1).path("messages").get(0).path("content").get(1);
        assertThat(file).isEqualTo(JSON.readTree(filePart()));
    }

    @Test
    void anAnthropicDocumentIsAFilePartToOtherProvidersAndPassesThroughToAnthropic() throws Exception {
        String document = "{\"type\":\"document\",\"title\":\"report.pdf\",\"citations\":{\"enabled\":true},"
                + "\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"" + PDF + "\"}}";
        String body = chat("gpt", document);
        HttpResponse<String> translated = ok(gw.post("/v1/messages", body, gw.key));
        assertThat(translated.headers().firstValue("x-tollgate-dropped-fields")).hasValue("citations");
        JsonNode file = openai.requests.get(openai.requests.size() - 1).path("messages").get(0).path("content").get(1);
        assertThat(file).isEqualTo(JSON.readTree(filePart()));

        ok(gw.post("/v1/messages", chat("sonnet", document), gw.key));
        assertThat(anthropic.last().body().path("messages").get(0).path("content").get(1)).isEqualTo(JSON.readTree(document));

        String text = "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"Q3 was good.\"}}";
        ok(gw.post("/v1/messages", chat("gpt", text), gw.key));
        assertThat(openai.requests.get(openai.requests.size() - 1).path("messages").get(0).path("content").get(1).path("text")
                .asText()).isEqualTo("Q3 was good.");

        HttpResponse<String> fileId = gw.post("/v1/messages",
                chat("gpt", "{\"type\":\"document\",\"source\":{\"type\":\"file\",\"file_id\":\"file_1\"}}"), gw.key);
        assertThat(fileId.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(fileId.body()).path("error").path("message").asText()).contains("messages[0].content[1].source.type");
    }

    @Test
    void audioGoesWhereItCanAndIsRefusedNamingThePartAndTheModelElsewhere() throws Exception {
        ok(gw.post("/v1/chat/completions", chat("flash", audioPart()), gw.key));
        JsonNode inline = gemini.last().body().path("contents").get(0).path("parts").get(1).path("inlineData");
        assertThat(inline.path("mimeType").asText()).isEqualTo("audio/wav");
        assertThat(inline.path("data").asText()).isEqualTo(WAV);

        int before = anthropic.requests.size();
        HttpResponse<String> claude = gw.post("/v1/chat/completions", chat("sonnet", audioPart()), gw.key);
        assertThat(claude.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(claude.body()).path("error").path("message").asText())
                .isEqualTo("No model for 'sonnet' can serve this request: sonnet: does not support audio"
                        + " (messages[0].content[1] (input_audio))");
        assertThat(anthropic.requests).as("refused before any provider call").hasSize(before);

        HttpResponse<String> textOnly = gw.post("/v1/chat/completions", chat("text-only", filePart()), gw.key);
        assertThat(textOnly.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(textOnly.body()).path("error").path("message").asText())
                .contains("text-only: does not support pdf (messages[0].content[1] (file))");
    }

    @Test
    void theHoldCountsPagesAndSecondsNotBase64() throws Exception {
        JsonNode estimate = JSON.readTree(ok(gw.post("/v1/estimate", chat("sonnet", filePart()), gw.key)).body());
        long pages = 3 * (3_000 + 4_096); // MediaTokens: text allowance + the model's image maximum, per page
        assertThat(estimate.path("estimated_input_tokens").asLong()).isBetween(pages, pages + 100);

        JsonNode audio = JSON.readTree(ok(gw.post("/v1/estimate", chat("flash", audioPart()), gw.key)).body());
        long seconds = 2 * 32; // ceil(32,044 bytes / 32,000 B/s) seconds at 32 tokens a second
        assertThat(audio.path("estimated_input_tokens").asLong()).isBetween(seconds, seconds + 100);
    }

    @Test
    void theResponsesApiTakesInputFileAndInputAudio() throws Exception {
        String body = "{\"model\":\"gpt\",\"store\":false,\"input\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_text\",\"text\":\"Summarise\"},"
                + "{\"type\":\"input_file\",\"filename\":\"report.pdf\",\"file_data\":\"data:application/pdf;base64," + PDF + "\"},"
                + "{\"type\":\"input_file\",\"file_url\":\"https://example.com/a.pdf\"},"
                + "{\"type\":\"input_audio\",\"input_audio\":{\"format\":\"wav\",\"data\":\"" + WAV + "\"}}]}]}";
        ok(gw.post("/v1/responses", body, gw.key));
        JsonNode content = openai.requests.get(openai.requests.size() - 1).path("messages").get(0).path("content");
        assertThat(content.get(1)).isEqualTo(JSON.readTree(filePart()));
        assertThat(content.get(2)).isEqualTo(JSON.readTree("{\"type\":\"file\",\"file\":{\"file_data\":\"https://example.com/a.pdf\"}}"));
        assertThat(content.get(3)).isEqualTo(JSON.readTree(audioPart()));

        HttpResponse<String> fileId = gw.post("/v1/responses", "{\"model\":\"gpt\",\"input\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_file\",\"file_id\":\"file-1\"}]}]}", gw.key);
        assertThat(fileId.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(fileId.body()).path("error").path("message").asText()).contains("file_id");
    }
}
