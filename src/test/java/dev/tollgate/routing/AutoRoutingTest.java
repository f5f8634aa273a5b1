package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code "model": "auto"} end to end on the demo's mock models: decision headers, estimate fields, candidate order. */
class AutoRoutingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEMO_LIKE = """
            providers:
              - { name: mock, type: mock }
            models:
              - { name: mock-small, provider: mock, price: { input: 0.15, output: 0.60 }, context_window: 128000 }
              - { name: mock-large, provider: mock, price: { input: 2.50, output: 10.00 }, context_window: 200000 }
            aliases:
              mock: [mock-small, mock-large]
            """;
    static final String HARD = "Design and implement a thread-safe LRU cache in Java with a fixed capacity, O(1) get and put,"
            + " and an optional per-entry TTL. It must handle concurrent readers without a global lock on reads, expire"
            + " entries lazily, and expose hit/miss metrics. Explain the trade-offs of your locking strategy and include"
            + " JUnit tests covering eviction order, expiry and concurrent access.";

    @TempDir
    Path dir;
    TestGateway gw;

    @BeforeEach
    void start() {
        gw = TestGateway.start(dir, DEMO_LIKE, null);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    static String auto(String prompt, boolean stream) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "auto").put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        return JSON.writeValueAsString(body);
    }

    static String header(HttpResponse<String> res, String name) {
        return res.headers().firstValue(name).orElse(null);
    }

    @Test
    void aGreetingGoesToTheCheapModelAndSaysWhy() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", auto("hi there", false), gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(header(res, "x-tollgate-model")).isEqualTo("mock-small");
        assertThat(header(res, "x-tollgate-task-type")).isEqualTo("general");
        assertThat(header(res, "x-tollgate-complexity")).isEqualTo("simple");
        assertThat(header(res, "x-tollgate-quality-score")).isEqualTo("0.80");
        assertThat(header(res, "x-tollgate-reasoning")).contains("-> mock-small").matches("[\\x20-\\x7e]{1,240}");
        assertThat(gw.gateway.ledger().history(gw.accountId, 5, null).data().get(0).model()).isEqualTo("mock-small");
    }

    @Test
    void aHardCodingTaskGoesToTheLargeModelAlsoWhenStreamed() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> res = gw.post("/v1/chat/completions", auto(HARD, stream), gw.key);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(header(res, "x-tollgate-model")).isEqualTo("mock-large");
            assertThat(header(res, "x-tollgate-task-type")).isEqualTo("coding");
            assertThat(header(res, "x-tollgate-complexity")).isEqualTo("complex");
            assertThat(header(res, "x-tollgate-quality-score")).isEqualTo("1.00");
            if (stream) assertThat(res.body()).contains("data: [DONE]");
        }
    }

    @Test
    void theSelectedModelComesFirstAndTheRestOfTheCellFollows() throws Exception {
        Route simple = gw.gateway.router().route(JSON.readTree(auto("hi", false)), "auto", List.of(), Router.Options.DEFAULT);
        assertThat(simple.candidates()).extracting(Deployment::publicName).containsExactly("mock-small", "mock-large");
        Route complex = gw.gateway.router().route(JSON.readTree(auto(HARD, false)), "auto", List.of(), Router.Options.DEFAULT);
        assertThat(complex.candidates()).extracting(Deployment::publicName).containsExactly("mock-large", "mock-small");
        assertThat(complex.auto().model()).isEqualTo("mock-large");
    }

    @Test
    void estimateReportsTheDecisionOnlyForAuto() throws Exception {
        JsonNode e = JSON.readTree(gw.post("/v1/estimate", auto(HARD, false), gw.key).body());
        assertThat(e.path("model").asText()).isEqualTo("mock-large");
        assertThat(e.path("provider").asText()).isEqualTo("mock");
        assertThat(e.path("task_type").asText()).isEqualTo("coding");
        assertThat(e.path("complexity").asText()).isEqualTo("complex");
        assertThat(e.path("selected_model").asText()).isEqualTo("mock-large");
        assertThat(e.path("quality_score").decimalValue()).isEqualByComparingTo("1.00");
        assertThat(e.path("reasoning").asText()).contains("-> mock-large");
        assertThat(e.has("estimated_cost")).isTrue();
        assertThat(e.has("max_cost")).isTrue();

        JsonNode plain = JSON.readTree(gw.post("/v1/estimate", TestGateway.chat("mock-small", false), gw.key).body());
        assertThat(plain.has("task_type")).isFalse();
        assertThat(plain.has("selected_model")).isFalse();
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("mock-small", false), gw.key);
        assertThat(header(res, "x-tollgate-task-type")).isNull();
    }

    @Test
    void autoSkipsModelsThatCannotTakeTheRequest() throws Exception {
        gw.gateway.ledger().grant("more-credits", gw.accountId, 10_000_000_000L, "room for a 150k-token worst case");
        String huge = "{\"model\":\"auto\",\"max_tokens\":300000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> res = gw.post("/v1/chat/completions", huge, gw.key);
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("mock-small: context window 128000").contains("mock-large: context window 200000");
        String fitsLargeOnly = "{\"model\":\"auto\",\"max_tokens\":150000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> large = gw.post("/v1/chat/completions", fitsLargeOnly, gw.key);
        assertThat(large.statusCode()).as(large.body()).isEqualTo(200);
        assertThat(header(large, "x-tollgate-model")).isEqualTo("mock-large");
        assertThat(header(large, "x-tollgate-reasoning")).contains("skipped mock-small: unavailable");
    }

    @Test
    void aModelOrAliasNamedAutoIsRefusedAtLoad() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, DEMO_LIKE.replace("name: mock-small", "name: auto"));
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
                .isInstanceOf(ConfigException.class).hasMessageContaining("models[0].name").hasMessageContaining("'auto' is reserved");
        Files.writeString(file, DEMO_LIKE.replace("  mock: [", "  auto: ["));
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
                .isInstanceOf(ConfigException.class).hasMessageContaining("aliases.auto").hasMessageContaining("'auto' is reserved");
    }
}
