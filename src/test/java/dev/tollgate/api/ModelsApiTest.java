package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.models.Model;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/models[/{id}]} in OpenAI's shape, and in Anthropic's for Anthropic-style requests; both SDKs. */
class ModelsApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, """
                providers:
                  - { name: mock, type: mock }
                models:
                  - { name: mock-small, provider: mock, price: { input: 0.15, output: 0.60 } }
                  - { name: mock-large, provider: mock, price: free }
                  - { name: acme/chat-1, provider: mock, price: free }
                aliases:
                  mock: [mock-small, mock-large]
                """, null);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).GET();
        if (headers.length > 0) b.headers(headers);
        return TestGateway.send(b.build());
    }

    @Test
    void openAiRetrieveAndUnknownIs404ModelNotFound() throws Exception {
        HttpResponse<String> res = get("/v1/models/mock-small", "Authorization", "Bearer " + gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode m = JSON.readTree(res.body());
        assertThat(m.path("id").asText()).isEqualTo("mock-small");
        assertThat(m.path("object").asText()).isEqualTo("model");
        assertThat(m.path("owned_by").asText()).isEqualTo("mock");
        assertThat(JSON.readTree(get("/v1/models/acme/chat-1", "Authorization", "Bearer " + gw.key).body())
                .path("id").asText()).as("ids with a slash").isEqualTo("acme/chat-1");
        HttpResponse<String> missing = get("/v1/models/nope", "Authorization", "Bearer " + gw.key);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(get("/v1/models/mock-small").statusCode()).as("authenticated").isEqualTo(401);
    }

    @Test
    void anthropicStyleRequestsGetAnthropicShapes() throws Exception {
        for (String[] headers : List.of(new String[] {"x-api-key", gw.key},
                new String[] {"Authorization", "Bearer " + gw.key, "anthropic-version", "2023-06-01"})) {
            JsonNode list = JSON.readTree(get("/v1/models", headers).body());
            assertThat(list.has("object")).isFalse();
            assertThat(list.path("data")).hasSize(4);
            JsonNode first = list.path("data").get(0);
            assertThat(first.path("type").asText()).isEqualTo("model");
            assertThat(first.path("id").asText()).isEqualTo("mock-small");
            assertThat(first.path("display_name").asText()).isEqualTo("mock-small");
            assertThat(first.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(list.path("has_more").asBoolean()).isFalse();
            assertThat(list.path("first_id").asText()).isEqualTo("mock-small");
            assertThat(list.path("last_id").asText()).isEqualTo("mock");
        }
        JsonNode page = JSON.readTree(get("/v1/models?limit=2&after_id=mock-small", "x-api-key", gw.key).body());
        assertThat(page.path("data").findValuesAsText("id")).containsExactly("mock-large", "acme/chat-1");
        assertThat(page.path("has_more").asBoolean()).isTrue();
        HttpResponse<String> missing = get("/v1/models/nope", "x-api-key", gw.key);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("error").path("type").asText()).isEqualTo("not_found_error");
    }

    @Test
    void openAiSdkRetrievesAndLists() {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
        Model m = client.models().retrieve("mock-large");
        assertThat(m.id()).isEqualTo("mock-large");
        assertThatThrownBy(() -> client.models().retrieve("nope")).isInstanceOf(com.openai.errors.NotFoundException.class);
    }

    @Test
    void anthropicSdkListsEveryPageAndRetrieves() {
        AnthropicClient client = AnthropicOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl()).maxRetries(0).build();
        List<String> ids = new ArrayList<>();
        client.models().list(ModelListParams.builder().limit(1).build()).autoPager().forEach(m -> ids.add(m.id()));
        assertThat(ids).containsExactly("mock-small", "mock-large", "acme/chat-1", "mock");
        ModelInfo info = client.models().retrieve("mock-small");
        assertThat(info.id()).isEqualTo("mock-small");
        assertThat(info.displayName()).isEqualTo("mock-small");
        assertThatThrownBy(() -> client.models().retrieve("nope")).isInstanceOf(com.anthropic.errors.NotFoundException.class);
    }
}
