package dev.tollgate.limits.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database store (row locks, no Redis) on SQLite and on PostgreSQL. */
class DatabaseQuotasTest {
    abstract static class OnDatabase extends QuotasContract {
        String url;

        @Override
        Quotas open(Database db, long ttlMs) {
            return Quotas.create(db, clock, metrics, listener, QuotaOptions.local(ttlMs).withStore(QuotaOptions.Store.DATABASE));
        }

        @Override
        void flush(Quotas q) {} // every settle is its own transaction

        @Override
        void passTtl(long ttlMs) { clock.advance(Duration.ofMillis(ttlMs)); }

        @Test
        void replicasOnOneStoreAdmitExactlyTheLimit() throws Exception {
            try (Database second = Database.open(url); Database third = Database.open(url)) {
                List<Quotas> replicas = List.of(quotas(), track(open(second, ttlMs())), track(open(third, ttlMs())));
                List<QuotaReservation> won = race(replicas, 100,
                        List.of(new Claim(messages, 30, 1), new Claim(keySpend, 1_000_000, 10), new Claim(tokens, 1_000_000, 100)));
                assertThat(won).hasSize(30);
                won.forEach(r -> r.settle(Map.of(messages, 1L, keySpend, 7L)));
                assertThat(replicas.get(2).used(List.of(messages, keySpend, tokens)))
                        .containsEntry(messages, 30L).containsEntry(keySpend, 210L).containsEntry(tokens, 0L);
                assertThat(heldInTable()).isZero();
            }
        }

        @Test
        void anExpiredReservationOfADeadReplicaIsReleasedByAnother() throws Exception {
            try (Database second = Database.open(url)) {
                Quotas dead = open(second, ttlMs());
                admitted(dead.reserve(id(), List.of(new Claim(messages, 2, 2))));
                dead.close(); // never settles: its process is gone
                Quotas alive = quotas();
                assertThat(alive.reserve(id(), List.of(new Claim(messages, 2, 1)))).isInstanceOf(QuotaResult.Refused.class);
                clock.advance(Duration.ofMillis(ttlMs()));
                admitted(alive.reserve(id(), List.of(new Claim(messages, 2, 2))));
                assertThat(metrics.counter("tollgate.quota.expired", "store", "database").count()).isEqualTo(1);
            }
        }

        /** kill -9 of a replica: its quota is free again once its lease lapses (5 s here), not after the 60 s TTL. */
        @Test
        void theReservationsOfAReplicaWhoseLeaseLapsedAreReleasedLongBeforeTheirTtl() throws Exception {
            String deadReplica = "r-test-" + java.util.UUID.randomUUID();
            String unknownReplica = "r-test-" + java.util.UUID.randomUUID(); // no lease row (yet): not lapsed
            lease(deadReplica, clock.millis() + 5_000);
            try (Database second = Database.open(url); Database third = Database.open(url)) {
                Quotas dead = open(second, deadReplica);
                admitted(dead.reserve(id(), List.of(new Claim(messages, 3, 2))));
                dead.close(); // never settles: its process is gone
                Quotas unleased = open(third, unknownReplica);
                admitted(unleased.reserve(id(), List.of(new Claim(messages, 3, 1))));
                Quotas alive = quotas();
                assertThat(alive.reserve(id(), List.of(new Claim(messages, 3, 1)))).as("the lease is still current")
                        .isInstanceOf(QuotaResult.Refused.class);
                clock.advance(Duration.ofMillis(5_000)); // the lease lapsed; the TTL is 55 s away
                admitted(alive.reserve(id(), List.of(new Claim(messages, 3, 2))));
                assertThat(alive.reserve(id(), List.of(new Claim(messages, 3, 1)))).as("the unleased reservation is kept")
                        .isInstanceOf(QuotaResult.Refused.class);
                assertThat(metrics.counter("tollgate.quota.expired", "store", "database").count()).isEqualTo(1);
                unleased.close();
            }
        }

        Quotas open(Database store, String replica) {
            return Quotas.create(store, clock, metrics, listener, QuotaOptions.local(ttlMs())
                    .withStore(QuotaOptions.Store.DATABASE).withLeasedReplica(replica));
        }

        void lease(String replica, long expiresAtMs) throws java.sql.SQLException {
            try (var c = db.connection(); var ps = c.prepareStatement(
                    "INSERT INTO replicas (id, started_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, replica);
                ps.setLong(2, clock.millis());
                ps.setLong(3, clock.millis());
                ps.setLong(4, expiresAtMs);
                ps.executeUpdate();
            }
        }

        @Test
        void aLateSettleOfAnExpiredReservationCountsTheUsageAndFreesNothingTwice() {
            Quotas q = quotas();
            QuotaReservation late = admitted(q.reserve(id(), List.of(new Claim(messages, 5, 1))));
            clock.advance(Duration.ofMillis(ttlMs()));
            admitted(q.reserve(id(), List.of(new Claim(messages, 5, 1)))).release(); // sweeps the expired one
            late.settle(Map.of(messages, 1L));
            assertThat(q.used(List.of(messages))).containsEntry(messages, 1L);
            assertThat(heldInTable()).isZero();
        }

        @Test
        void anUnreachableStoreFailsClosedAndASettleIsRetried() {
            Quotas q = quotas();
            QuotaReservation r = admitted(q.reserve(id(), List.of(new Claim(messages, 5, 1))));
            db.close();
            assertThat(q.reserve(id(), List.of(new Claim(messages, 5, 1)))).isInstanceOf(QuotaResult.Unavailable.class);
            assertThat(metrics.counter("tollgate.quota.unavailable", "store", "database").count()).isEqualTo(1);
            r.settle(Map.of(messages, 1L));
            assertThat(((DatabaseQuotas) q).retryPending()).isEqualTo(1);
            db = null;
        }

        long heldInTable() {
            String subjects = "('" + messages.subject() + "', '" + keySpend.subject() + "')";
            try (var c = db.connection(); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT COALESCE(SUM(held), 0), (SELECT COUNT(*) FROM quota_reservations "
                         + "WHERE claims LIKE '%" + messages.subject() + "%' OR claims LIKE '%" + keySpend.subject() + "%') "
                         + "FROM quota_usage WHERE subject IN " + subjects)) {
                rs.next();
                return rs.getLong(1) + rs.getLong(2);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Nested
    class OnSqlite extends OnDatabase {
        @TempDir Path dir;

        @Override
        Database database() {
            url = TestDatabases.sqliteUrl(dir);
            return Database.open(url);
        }
    }

    @Nested
    class OnPostgres extends OnDatabase {
        @Override
        Database database() {
            url = SharedSchema.postgresUrl();
            return Database.open(url);
        }
    }
}
