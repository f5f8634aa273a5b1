package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.testing.TestGateway;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK, unmodified, calling embeddings and images on the gateway's mock provider. */
class OpenAiSdkEmbeddingsImagesTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, """
                providers:
                  - { name: mock, type: mock }
                models:
                  - { name: mock-embed, provider: mock, price: { input: 0.02, output: 0 } }
                  - name: mock-draw
                    provider: mock
                    price: { image: { "1024x1024": 0.04, default: 0.08, hd: { "1024x1024": 0.08 } } }
                """, null);
        client = OpenAIOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static List<HistoryEntry> charges() {
        return gw.gateway.ledger().history(gw.accountId, 100, null).data().stream().filter(e -> e.type().equals("charge")).toList();
    }

    /** base64 and float answers decode to the same vector; equal text embeds equally. */
    @Test
    void embeddingsInBothEncodings() {
        CreateEmbeddingResponse b64 = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("mock-embed").inputOfArrayOfStrings(List.of("tollgate", "gateway"))
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("mock-embed").input("tollgate").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertThat(b64.data()).hasSize(2);
        List<Float> v = b64.data().get(0).embedding();
        assertThat(v).hasSize(16);
        double norm = v.stream().mapToDouble(f -> f * f).sum();
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(floats.data().get(0).embedding()).isEqualTo(v);
        assertThat(b64.data().get(1).embedding()).isNotEqualTo(v);
        // mock rule: ceil(8 bytes / 4) = 2 tokens per word
        assertThat(b64.usage().promptTokens()).isEqualTo(4);
        assertThat(floats.usage().promptTokens()).isEqualTo(2);
    }

    @Test
    void embeddingsDimensionsAreHonoured() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("mock-embed").input("tollgate").dimensions(5).build());
        assertThat(r.data().get(0).embedding()).hasSize(5);
    }

    @Test
    void imagesAsUrlAndBase64() {
        int before = charges().size();
        ImagesResponse urls = client.images().generate(ImageGenerateParams.builder()
                .model("mock-draw").prompt("a lighthouse").n(2).size(ImageGenerateParams.Size._1024X1024).build());
        List<Image> data = urls.data().orElseThrow();
        assertThat(data).hasSize(2);
        assertThat(data.get(0).url().orElseThrow()).startsWith("https://mock.tollgate.invalid/images/");
        ImagesResponse b64 = client.images().generate(ImageGenerateParams.builder()
                .model("mock-draw").prompt("a lighthouse").quality(ImageGenerateParams.Quality.HD)
                .size(ImageGenerateParams.Size._1024X1024)
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON).build());
        byte[] png = Base64.getDecoder().decode(b64.data().orElseThrow().get(0).b64Json().orElseThrow());
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        // 2 × $0.04 and 1 × $0.08 (hd) at $0.001 per credit
        assertThat(charges().subList(0, charges().size() - before)).extracting(HistoryEntry::amountMicros)
                .containsExactlyInAnyOrder(-80_000_000L, -80_000_000L);
    }

    @Test
    void errorsMapToSdkExceptions() {
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("nope").input("x").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder().model("mock-draw").prompt("x").n(11).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("n");
        assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder().model("mock-embed").prompt("x").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("mock-embed");
    }
}
