package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, """
                providers: [ { name: mock, type: mock } ]
                models: [ { name: mock-small, provider: mock, price: free } ]
                """, null);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void accountKeyLifecycle() throws Exception {
        HttpResponse<String> created = gw.post("/admin/accounts", "{\"name\":\"acme\",\"plan\":\"pro\"}", TestGateway.ADMIN_TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode account = JSON.readTree(created.body());
        String id = account.path("id").asText();
        assertThat(id).startsWith("acct_");
        assertThat(account.path("name").asText()).isEqualTo("acme");

        HttpResponse<String> keyRes = gw.post("/admin/accounts/" + id + "/keys", "{\"name\":\"ci\",\"rpm\":60}", TestGateway.ADMIN_TOKEN);
        assertThat(keyRes.statusCode()).isEqualTo(201);
        JsonNode key = JSON.readTree(keyRes.body());
        String secret = key.path("key").asText();
        assertThat(secret).matches("tg-[A-Za-z0-9_-]{32,}");
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("mock-small", false), secret).statusCode()).isEqualTo(200);

        HttpResponse<String> shown = gw.get("/admin/accounts/" + id, TestGateway.ADMIN_TOKEN);
        assertThat(shown.statusCode()).isEqualTo(200);
        JsonNode detail = JSON.readTree(shown.body());
        assertThat(detail.path("plan").asText()).isEqualTo("pro");
        assertThat(detail.path("keys")).hasSize(1);
        assertThat(detail.path("keys").get(0).path("rpm").asInt()).isEqualTo(60);
        assertThat(shown.body()).as("no secret, no hash").doesNotContain(secret.substring(10));

        assertThat(gw.delete("/admin/keys/" + key.path("id").asText(), TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(204);
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("mock-small", false), secret).statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(gw.get("/admin/accounts/" + id, TestGateway.ADMIN_TOKEN).body())
                .path("keys").get(0).path("revoked").asBoolean()).isTrue();
    }

    @Test
    void adminNeedsTheAdminToken() throws Exception {
        assertThat(gw.post("/admin/accounts", "{\"name\":\"x\"}", null).statusCode()).isEqualTo(401);
        assertThat(gw.post("/admin/accounts", "{\"name\":\"x\"}", "wrong").statusCode()).isEqualTo(401);
        assertThat(gw.post("/admin/accounts", "{\"name\":\"x\"}", gw.key).statusCode()).as("an API key is not admin").isEqualTo(401);
        assertThat(gw.get("/admin/accounts/" + gw.accountId, gw.key).statusCode()).isEqualTo(401);
        assertThat(gw.delete("/admin/keys/whatever", null).statusCode()).isEqualTo(401);
    }

    @Test
    void badAdminInputIsNamed() throws Exception {
        HttpResponse<String> noName = gw.post("/admin/accounts", "{}", TestGateway.ADMIN_TOKEN);
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noName.body()).path("error").path("param").asText()).isEqualTo("name");
        HttpResponse<String> badRpm = gw.post("/admin/accounts/" + gw.accountId + "/keys", "{\"rpm\":\"lots\"}", TestGateway.ADMIN_TOKEN);
        assertThat(badRpm.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badRpm.body()).path("error").path("param").asText()).isEqualTo("rpm");
        assertThat(gw.post("/admin/accounts/acct_nope/keys", "{}", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(gw.get("/admin/accounts/acct_nope", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(gw.delete("/admin/keys/key_nope", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(404);
    }
}
