package dev.tollgate.limits.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's wiring of DatabaseQuotasTest's lease rule: on PostgreSQL without Redis (the database quota store),
 * with credit slices on (a replica lease), an in-flight request's quota reservation names this replica's lease.
 */
class QuotaReservationLeaseTest {
    @TempDir
    Path dir;

    @Test
    void anInFlightReservationCarriesThisReplicasLease() throws Exception {
        FakeOpenAi upstream = new FakeOpenAi();
        String yaml = TestGateway.openAiConfig("gated") + "plans: { team: { monthly: { messages: 30 } } }\n";
        try (TestGateway gw = TestGateway.start(dir, yaml, upstream.baseUrl(), TestDatabases.postgresUrl())) {
            String account = gw.gateway.accounts().create("lease-" + java.util.UUID.randomUUID(), "team").id();
            gw.gateway.ledger().grant("fund:" + account, account, TestGateway.FUNDING_MICROS, "test");
            String key = gw.gateway.accounts().createKey(account, "k", null, null).secret();
            String replica = gw.gateway.ledger().leasedReplica();
            assertThat(replica).isNotNull();
            CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(
                    () -> gw.post("/v1/chat/completions", TestGateway.chat("gated", false), key));
            assertThat(Credits.eventually(Duration.ofSeconds(10), () -> !reservationReplicas(gw).isEmpty())).isTrue();
            assertThat(reservationReplicas(gw)).containsExactly(replica);
            upstream.gate.countDown();
            assertThat(call.get().statusCode()).isEqualTo(200);
            assertThat(reservationReplicas(gw)).as("settled: the reservation is gone").isEmpty();
        } finally {
            upstream.close();
        }
    }

    static java.util.List<String> reservationReplicas(TestGateway gw) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (var c = gw.gateway.database().connection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT replica FROM quota_reservations")) {
            while (rs.next()) out.add(rs.getString(1));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
