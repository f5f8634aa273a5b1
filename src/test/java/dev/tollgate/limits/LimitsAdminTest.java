package dev.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API for plans and limits: PATCH an account's plan and overrides (null clears), create and PATCH keys
 * with limits and models, GET shows them, and a PATCH applies to this process's very next request despite
 * the key cache.
 */
class LimitsAdminTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok", "other") + """
                plans:
                  free: { rpm: 5, monthly: { messages: 100 } }
                  pro: { rpm: 50 }
                """, upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    HttpResponse<String> patch(String path, String body) {
        return TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    JsonNode account() throws Exception {
        return JSON.readTree(gw.get("/admin/accounts/" + gw.accountId, TestGateway.ADMIN_TOKEN).body());
    }

    @Test
    void anAccountsPlanAndOverridesArePatchedAndNullClearsThem() throws Exception {
        HttpResponse<String> r = patch("/admin/accounts/" + gw.accountId,
                "{\"plan\":\"free\",\"rpm\":7,\"tpm\":1000,\"max_parallel\":3,\"monthly_budget\":12.5}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode a = JSON.readTree(r.body());
        assertThat(a.path("plan").asText()).isEqualTo("free");
        assertThat(a.path("limits").toString()).isEqualTo("{\"rpm\":7,\"tpm\":1000,\"max_parallel\":3,\"monthly_budget\":12.5}");

        assertThat(patch("/admin/accounts/" + gw.accountId, "{\"rpm\":null,\"monthly_budget\":null}").statusCode()).isEqualTo(200);
        JsonNode cleared = account();
        assertThat(cleared.path("limits").path("rpm").isNull()).isTrue();
        assertThat(cleared.path("limits").path("monthly_budget").isNull()).isTrue();
        assertThat(cleared.path("limits").path("tpm").asInt()).as("absent fields stay").isEqualTo(1000);
        assertThat(cleared.path("plan").asText()).isEqualTo("free");
    }

    @Test
    void badPatchesAre400Or404() throws Exception {
        String path = "/admin/accounts/" + gw.accountId;
        HttpResponse<String> unknownPlan = patch(path, "{\"plan\":\"gold\"}");
        assertThat(unknownPlan.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknownPlan.body()).path("error").path("message").asText()).contains("gold", "free, pro");
        assertThat(patch(path, "{\"rpm\":-1}").statusCode()).isEqualTo(400);
        assertThat(patch(path, "{\"rpm\":\"fast\"}").statusCode()).isEqualTo(400);
        assertThat(patch(path, "{\"monthly_budget\":-3}").statusCode()).isEqualTo(400);
        HttpResponse<String> unknownField = patch(path, "{\"rmp\":3}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknownField.body()).path("error").path("param").asText()).isEqualTo("rmp");
        assertThat(patch("/admin/accounts/acct_nope", "{\"rpm\":3}").statusCode()).isEqualTo(404);
        assertThat(patch("/admin/keys/key_nope", "{\"rpm\":3}").statusCode()).isEqualTo(404);
        assertThat(patch("/admin/keys/key_nope", "{\"models\":[\"nope\"]}").statusCode()).isEqualTo(400);
        assertThat(gw.post("/admin/accounts", "{\"name\":\"x\",\"plan\":\"gold\"}", TestGateway.ADMIN_TOKEN).statusCode())
                .isEqualTo(400);
        assertThat(account().path("limits").path("rpm").isNull()).as("nothing changed").isTrue();
    }

    @Test
    void keysTakeLimitsAtCreationAndByPatchAndThisProcessAppliesThemAtOnce() throws Exception {
        HttpResponse<String> created = gw.post("/admin/accounts/" + gw.accountId + "/keys",
                "{\"name\":\"agent\",\"rpm\":3,\"tpm\":5000,\"max_parallel\":2,\"monthly_budget\":100.5,\"models\":[\"ok\"]}",
                TestGateway.ADMIN_TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        String keyId = JSON.readTree(created.body()).path("id").asText();
        String secret = JSON.readTree(created.body()).path("key").asText();
        JsonNode key = account().path("keys").get(1);
        assertThat(key.path("id").asText()).isEqualTo(keyId);
        assertThat(key.path("rpm").asInt()).isEqualTo(3);
        assertThat(key.path("tpm").asInt()).isEqualTo(5000);
        assertThat(key.path("max_parallel").asInt()).isEqualTo(2);
        assertThat(key.path("monthly_budget").decimalValue()).isEqualByComparingTo("100.5");
        assertThat(key.path("models").toString()).isEqualTo("[\"ok\"]");

        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), secret).statusCode()).isEqualTo(200);
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("other", false), secret).statusCode()).isEqualTo(403);

        // cached principal: the PATCH must reach the next request anyway
        assertThat(patch("/admin/keys/" + keyId, "{\"rpm\":1,\"models\":null}").statusCode()).isEqualTo(204);
        HttpResponse<String> limited = gw.post("/v1/chat/completions", TestGateway.chat("other", false), secret);
        assertThat(limited.statusCode()).as("rpm 1 is a fresh bucket; models cleared").isEqualTo(200);
        assertThat(limited.headers().firstValue("x-ratelimit-limit-requests")).contains("1");
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("other", false), secret).statusCode()).isEqualTo(429);
        JsonNode after = account().path("keys").get(1);
        assertThat(after.path("models").isNull()).isTrue();
        assertThat(after.path("tpm").asInt()).isEqualTo(5000);
    }
}
