package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Account names are unique: a duplicate is a 409 naming the name, and a race between creates has one winner. */
class AccountNamesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int RACERS = 8;

    @TempDir
    Path dir;

    TestGateway start(String store) {
        String url = store.equals("postgres") ? TestDatabases.postgresUrl() : TestDatabases.sqliteUrl(dir);
        return TestGateway.start(dir, "models: []\n", null, url);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    void aDuplicateNameIs409AccountNameTaken(String store) throws Exception {
        try (TestGateway gw = start(store)) {
            assertThat(gw.post("/admin/accounts", "{\"name\":\"acme\"}", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(201);
            HttpResponse<String> dup = gw.post("/admin/accounts", "{\"name\":\"acme\",\"credits\":5}", TestGateway.ADMIN_TOKEN);
            assertThat(dup.statusCode()).as(dup.body()).isEqualTo(409);
            JsonNode e = JSON.readTree(dup.body()).path("error");
            assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(e.path("code").asText()).isEqualTo("account_name_taken");
            assertThat(e.path("param").asText()).isEqualTo("name");
            assertThat(e.path("message").asText()).contains("'acme'");
            assertThat(dup.headers().firstValue("x-request-id")).isPresent();
            String own = gw.gateway.accounts().find(gw.accountId).orElseThrow().name();
            assertThat(gw.post("/admin/accounts", "{\"name\":\"" + own + "\"}", TestGateway.ADMIN_TOKEN).statusCode())
                    .as("the gateway's own account name is taken too").isEqualTo(409);
            assertThat(gw.post("/admin/accounts", "{\"name\":\"Acme\"}", TestGateway.ADMIN_TOKEN).statusCode())
                    .as("names compare exactly").isEqualTo(201);
            assertThat(gw.post("/admin/accounts", "{\"name\":\"" + "x".repeat(201) + "\"}", TestGateway.ADMIN_TOKEN).statusCode())
                    .isEqualTo(400);
            assertThat(gw.gateway.accounts().findByIdOrName("acme")).as("the name still resolves to one account").isPresent();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgres"})
    void concurrentCreatesOfOneNameHaveExactlyOneWinner(String store) throws Exception {
        try (TestGateway gw = start(store); ExecutorService pool = Executors.newFixedThreadPool(RACERS)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return gw.post("/admin/accounts", "{\"name\":\"race\",\"credits\":1}", TestGateway.ADMIN_TOKEN).statusCode();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) statuses.add(f.get());
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(RACERS - 1);
            try (var c = gw.gateway.database().connection(); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT COUNT(*) FROM accounts WHERE name = 'race'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            assertThat(gw.gateway.ledger().verify().ok()).as("no orphan funding from a losing create").isTrue();
        }
    }
}
