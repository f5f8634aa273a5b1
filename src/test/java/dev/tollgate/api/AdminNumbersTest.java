package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every numeric admin field out of range is a 400 naming the field, never a 500 and never a write. */
class AdminNumbersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, "models: []\n", null);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    record Case(String path, String body, String param) {}

    @Test
    void outOfRangeNumbersAre400NamingTheField() throws Exception {
        String account = "/admin/accounts/" + gw.accountId;
        long accountsBefore = accountCount();
        for (Case c : List.of(
                new Case("/admin/accounts", "{\"name\":\"n1\",\"credits\":1e400}", "credits"),
                new Case("/admin/accounts", "{\"name\":\"n2\",\"credits\":-1e400}", "credits"),
                new Case("/admin/accounts", "{\"name\":\"n3\",\"credits\":\"1e400\"}", "credits"),
                new Case("/admin/accounts", "{\"name\":\"n4\",\"credits\":99999999999999999999999}", "credits"),
                new Case("/admin/accounts", "{\"name\":\"n5\",\"credits\":1e-400}", null),
                new Case("/admin/accounts", "{\"name\":\"n6\",\"credits\":\"NaN\"}", "credits"),
                new Case("/admin/accounts", "{\"name\":\"n7\",\"credits\":\"1e-2147483648\"}", "credits"),
                new Case(account + "/credits", "{\"amount\":1e400}", "amount"),
                new Case(account + "/credits", "{\"amount\":-1e400}", "amount"),
                new Case(account + "/credits", "{\"amount\":1e-7}", "amount"),
                new Case(account + "/keys", "{\"rpm\":1e400}", "rpm"),
                new Case(account + "/keys", "{\"tpm\":99999999999999999999}", "tpm"),
                new Case(account + "/keys", "{\"rpm\":2147483648}", "rpm"),
                new Case(account + "/keys", "{\"rpm\":-1}", "rpm"),
                new Case(account + "/keys", "{\"rpm\":1.5}", "rpm"))) {
            HttpResponse<String> res = gw.post(c.path(), c.body(), TestGateway.ADMIN_TOKEN);
            if (c.param() == null) { // 1e-400 is 0.0 as a double: a valid zero, not an error
                assertThat(res.statusCode()).as(c.body()).isEqualTo(201);
                accountsBefore++;
                continue;
            }
            assertThat(res.statusCode()).as(c.body() + " -> " + res.body()).isEqualTo(400);
            JsonNode e = JSON.readTree(res.body()).path("error");
            assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(e.path("param").asText()).as(c.body()).isEqualTo(c.param());
            assertThat(e.path("message").asText()).contains(c.param());
        }
        assertThat(accountCount()).as("no account was created by a refused request").isEqualTo(accountsBefore);
        assertThat(gw.gateway.ledger().balance(gw.accountId).postedMicros()).isEqualTo(TestGateway.FUNDING_MICROS);
        HttpResponse<String> ok = gw.post("/admin/accounts", "{\"name\":\"fine\",\"credits\":1000000000}", TestGateway.ADMIN_TOKEN);
        assertThat(ok.statusCode()).as("the largest allowed amount still works").isEqualTo(201);
    }

    long accountCount() throws Exception {
        try (var c = gw.gateway.database().connection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
