package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.store.Database;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On SQLite, usage events and rollups live in their own file (UsageStore): a usage transaction never makes a charge
 * wait, and rows an earlier version wrote into the main file move over once.
 */
class UsageStoreTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Before: one file, one write lock — the ledger's commit waited behind the usage transaction (past the client's 20 s). */
    @Test
    void aChargeIsNotHeldUpWhileTheUsageStoreIsLocked() throws Exception {
        FakeOpenAi upstream = new FakeOpenAi();
        try (TestGateway gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), upstream.baseUrl())) {
            assertThat(gw.gateway.usage().store()).isNotSameAs(gw.gateway.database());
            assertThat(Files.exists(dir.resolve("tollgate-usage.db"))).isTrue();
            HttpResponse<String> answer;
            long tookMs;
            try (Connection lock = gw.gateway.usage().store().connection(); Statement st = lock.createStatement()) {
                lock.setAutoCommit(false);
                st.executeUpdate("DELETE FROM usage_events"); // SQLite's write lock on the usage file, as a batch holds it
                long start = System.nanoTime();
                answer = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key);
                tookMs = (System.nanoTime() - start) / 1_000_000;
                lock.rollback();
            }
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(tookMs).as("a billed request while a usage transaction holds its lock").isLessThan(3_000);
            assertThat(gw.gateway.ledger().balance(gw.accountId).postedMicros()).isEqualTo(TestGateway.FUNDING_MICROS - 18_000);
            assertThat(gw.gateway.usage().flush(Duration.ofSeconds(20))).as("the event is written once the lock is gone").isTrue();
            assertThat(JSON.readTree(gw.get("/v1/usage/stats", gw.key).body()).get("total_requests").asLong()).isEqualTo(1);
        } finally {
            upstream.close();
        }
    }

    /** Plans reads the rollups from the usage file and the accounts' plans from the main file. */
    @Test
    void adminPlansGroupsTheUsageFilesRowsByTheMainFilesPlans() throws Exception {
        FakeOpenAi upstream = new FakeOpenAi();
        try (TestGateway gw = TestGateway.start(dir, TestGateway.openAiConfig("ok") + "plans: { team: {} }\n", upstream.baseUrl())) {
            String team = gw.gateway.accounts().create("team-account", "team").id();
            gw.gateway.ledger().grant("fund:" + team, team, TestGateway.FUNDING_MICROS, "test");
            String teamKey = gw.gateway.accounts().createKey(team, "k", null, null).secret();
            for (int i = 0; i < 2; i++) {
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), teamKey).statusCode()).isEqualTo(200);
            }
            assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
            assertThat(gw.gateway.usage().flush(Duration.ofSeconds(20))).isTrue();
            var byPlan = new java.util.HashMap<String, com.fasterxml.jackson.databind.JsonNode>();
            for (var row : JSON.readTree(gw.get("/admin/analytics/plans?hours=24", TestGateway.ADMIN_TOKEN).body()).get("data")) {
                byPlan.put(row.get("plan").asText(), row);
            }
            assertThat(byPlan.get("team").get("requests").asLong()).isEqualTo(2);
            assertThat(byPlan.get("team").get("active_accounts").asLong()).isEqualTo(1);
            assertThat(byPlan.get("team").get("accounts").asLong()).isEqualTo(1);
            assertThat(byPlan.values().stream().mapToLong(r -> r.get("requests").asLong()).sum()).isEqualTo(3);
        } finally {
            upstream.close();
        }
    }

    @Test
    void rowsAnEarlierVersionWroteIntoTheMainFileMoveOverOnce() throws Exception {
        String mainUrl = "jdbc:sqlite:" + dir.resolve("tollgate.db");
        try (Database main = Database.open(mainUrl)) {
            UsageWriter earlier = new UsageWriter(main, 1_000, 100, 1, new SimpleMeterRegistry()); // the old layout
            for (int i = 0; i < 250; i++) earlier.offer(UsageWriterTest.event(i));
            assertThat(earlier.flush(Duration.ofSeconds(20))).isTrue();
            earlier.close();
            long rollups = count(main, "SELECT COUNT(*) FROM usage_rollups");
            assertThat(rollups).isPositive();

            try (Database usage = UsageStore.open(main)) {
                assertThat(usage.url()).endsWith("tollgate-usage.db");
                assertThat(count(usage, "SELECT COUNT(*) FROM usage_events")).isEqualTo(250);
                assertThat(count(usage, "SELECT COUNT(*) FROM usage_rollups")).isEqualTo(rollups);
                assertThat(count(usage, "SELECT SUM(cost_micros) FROM usage_rollups WHERE period = 'd' AND scope = 's'"))
                        .isEqualTo(7 * 250);
                assertThat(count(main, "SELECT COUNT(*) FROM usage_events")).isZero();
                assertThat(count(main, "SELECT COUNT(*) FROM usage_rollups")).isZero();
                // a crash after the copy and before the delete: the main file still has the rows the usage file has
                try (Connection c = usage.connection(); Statement st = c.createStatement()) {
                    st.execute("ATTACH DATABASE '" + dir.resolve("tollgate.db") + "' AS earlier");
                    st.executeUpdate("INSERT INTO earlier.usage_events SELECT * FROM main.usage_events");
                    st.executeUpdate("INSERT INTO earlier.usage_rollups SELECT * FROM main.usage_rollups");
                    st.execute("DETACH DATABASE earlier");
                }
            }
            try (Database again = UsageStore.open(main)) {
                assertThat(count(again, "SELECT COUNT(*) FROM usage_events")).as("not copied twice").isEqualTo(250);
                assertThat(count(again, "SELECT SUM(cost_micros) FROM usage_rollups WHERE period = 'd' AND scope = 's'"))
                        .isEqualTo(7 * 250);
                assertThat(count(main, "SELECT COUNT(*) FROM usage_events")).isZero();
            }
        }
    }

    @Test
    void postgresAndInMemoryStoresKeepUsageInTheMainStore() {
        try (Database pg = dev.tollgate.store.TestDatabases.postgres()) {
            assertThat(UsageStore.open(pg)).isSameAs(pg);
        }
        try (Database memory = Database.open("jdbc:sqlite::memory:")) {
            assertThat(UsageStore.separateFile(memory)).isNull();
        }
    }

    static long count(Database db, String sql) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
