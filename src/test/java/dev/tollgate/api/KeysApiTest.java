package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** /v1/keys and the can_manage_keys right (docs/dashboard.md#managing-keys), on SQLite and PostgreSQL. */
class KeysApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = TestGateway.ADMIN_TOKEN;
    @TempDir
    Path dir;
    TestGateway gw;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    void start(String store) {
        String url = store.equals("postgres") ? TestDatabases.postgresUrl() : "jdbc:sqlite:" + dir.resolve("t.db");
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), "http://127.0.0.1:9/v1", url);
    }

    JsonNode json(HttpResponse<String> res, int status) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        return res.body().isEmpty() ? null : JSON.readTree(res.body());
    }

    HttpResponse<String> patch(String path, String body) {
        return TestGateway.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + path))
                .header("Authorization", "Bearer " + ADMIN)
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }

    String keyId(String accountId, String name) throws Exception {
        for (JsonNode k : json(gw.get("/admin/accounts/" + accountId, ADMIN), 200).path("keys")) {
            if (k.path("name").asText().equals(name)) return k.path("id").asText();
        }
        throw new AssertionError("no key " + name);
    }

    List<String> events(String accountId) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = gw.gateway.database().connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT action, actor, key_id FROM key_events WHERE account_id = ? ORDER BY created_at, id")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1) + " by " + rs.getString(2) + " on " + rs.getString(3));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void onlyAKeyTheAdminGaveTheRightManagesItsAccountsKeysAndEveryChangeIsAudited(String store) throws Exception {
        start(store);
        JsonNode refused = json(gw.get("/v1/keys", gw.key), 403);
        assertThat(refused.path("error").path("code").asText()).isEqualTo("key_management_not_allowed");
        assertThat(refused.path("error").path("type").asText()).isEqualTo("permission_error");
        json(gw.post("/v1/keys", "{}", gw.key), 403);

        String self = keyId(gw.accountId, "test");
        json(patch("/admin/keys/" + self, "{\"can_manage_keys\":true}"), 204);
        JsonNode listed = json(gw.get("/v1/keys", gw.key), 200);
        assertThat(listed.path("data")).hasSize(1);
        assertThat(listed.path("data").get(0).path("current").asBoolean()).isTrue();
        assertThat(listed.path("data").get(0).path("can_manage_keys").asBoolean()).isTrue();
        assertThat(listed.toString()).doesNotContain(gw.key).doesNotContain("hash");

        JsonNode created = json(gw.post("/v1/keys", "{\"name\":\"ci\"}", gw.key), 201);
        String secret = created.path("key").asText();
        String id = created.path("id").asText();
        assertThat(secret).startsWith("tg-");
        json(gw.get("/v1/credits", secret), 200);
        json(gw.get("/v1/keys", secret), 403); // a key made here never gets the right
        assertThat(json(gw.get("/v1/keys", gw.key), 200).toString()).doesNotContain(secret);
        assertThat(json(gw.get("/admin/accounts/" + gw.accountId, ADMIN), 200).path("keys").toString())
                .contains("\"can_manage_keys\":true").contains("\"can_manage_keys\":false").doesNotContain(secret);

        JsonNode itself = json(gw.delete("/v1/keys/" + self, gw.key), 400);
        assertThat(itself.path("error").path("param").asText()).isEqualTo("id");
        json(gw.delete("/v1/keys/" + id, gw.key), 204);
        json(gw.get("/v1/credits", secret), 401);

        json(patch("/admin/keys/" + self, "{\"can_manage_keys\":false}"), 204);
        json(gw.get("/v1/keys", gw.key), 403); // removed: holds at once
        assertThat(events(gw.accountId)).containsExactly("grant_manage_keys by admin on " + self,
                "create by " + self + " on " + id, "revoke by " + self + " on " + id, "remove_manage_keys by admin on " + self);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void anotherAccountsKeyLooksMissingAndBadInputIsNamed(String store) throws Exception {
        start(store);
        JsonNode other = json(gw.post("/admin/accounts", "{\"name\":\"other\"}", ADMIN), 201);
        JsonNode otherKey = json(gw.post("/admin/accounts/" + other.path("id").asText() + "/keys",
                "{\"name\":\"theirs\",\"can_manage_keys\":true}", ADMIN), 201);
        json(patch("/admin/keys/" + keyId(gw.accountId, "test"), "{\"can_manage_keys\":true}"), 204);

        JsonNode missing = json(gw.delete("/v1/keys/" + otherKey.path("id").asText(), gw.key), 404);
        assertThat(missing.path("error").path("code").asText()).isEqualTo("key_not_found");
        json(gw.get("/v1/credits", otherKey.path("key").asText()), 200);
        assertThat(json(gw.get("/v1/keys", otherKey.path("key").asText()), 200).path("data")).hasSize(1);

        assertThat(json(gw.post("/v1/keys", "{\"rpm\":5}", gw.key), 400).path("error").path("param").asText()).isEqualTo("rpm");
        assertThat(json(patch("/admin/keys/" + keyId(gw.accountId, "test"), "{\"can_manage_keys\":\"yes\"}"), 400)
                .path("error").path("param").asText()).isEqualTo("can_manage_keys");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void adminListsAccountsByNameAPageAtATime(String store) throws Exception {
        start(store);
        for (String name : new String[] {"b-two", "a-one", "c-three"}) json(gw.post("/admin/accounts", "{\"name\":\"" + name + "\",\"credits\":5}", ADMIN), 201);
        JsonNode first = json(gw.get("/admin/accounts?limit=2", ADMIN), 200);
        assertThat(first.path("data").findValuesAsText("name")).containsExactly("a-one", "b-two");
        assertThat(first.path("data").get(0).path("balance").decimalValue()).isEqualByComparingTo("5");
        assertThat(first.path("next").asText()).isEqualTo("b-two");
        JsonNode second = json(gw.get("/admin/accounts?limit=2&after=b-two", ADMIN), 200);
        assertThat(second.path("data").findValuesAsText("name")).startsWith("c-three");
        assertThat(second.path("next").isNull()).isTrue();
        json(gw.get("/admin/accounts", gw.key), 401);
        json(gw.get("/admin/accounts?limit=0", ADMIN), 400);
    }
}
