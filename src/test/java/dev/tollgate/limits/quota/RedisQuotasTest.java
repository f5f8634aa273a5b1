package dev.tollgate.limits.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redis store (Redis on 127.0.0.1:6379, a unique key prefix per test) on SQLite and on PostgreSQL. */
class RedisQuotasTest {
    static final String REDIS = "redis://127.0.0.1:6379";

    abstract static class OnRedis extends QuotasContract {
        final String prefix = "tollgate-test:quota:" + UUID.randomUUID() + ":";

        QuotaOptions options(long ttlMs) {
            // 2 s: other sessions share this Redis and machine; a slow answer must not read as an outage here
            return QuotaOptions.local(ttlMs).withRedis(REDIS, prefix).withRedisTimeout(Duration.ofSeconds(2));
        }

        @Override
        Quotas open(Database db, long ttlMs) {
            return Quotas.create(db, clock, metrics, listener, options(ttlMs));
        }

        @Override
        long shortTtlMs() { return 300; }

        @Override
        void flush(Quotas q) { ((RedisQuotas) q).flush(); }

        @Override
        void passTtl(long ttlMs) throws InterruptedException {
            Thread.sleep(ttlMs + 20); // Redis expires by its own TIME: real time has to pass
        }

        /** Deletes this test's keys only (other helpers share the Redis): Redis "restarted" empty. */
        void flushRedis() {
            RedisClient client = RedisClient.create(REDIS);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                List<String> keys = new ArrayList<>();
                ScanIterator.scan(c.sync(), ScanArgs.Builder.matches(prefix + "*")).forEachRemaining(keys::add);
                assertThat(keys).isNotEmpty();
                c.sync().del(keys.toArray(String[]::new));
            } finally {
                client.shutdown();
            }
        }

        @Test
        void twoReplicasOnOneRedisAdmitExactlyTheLimit() throws Exception {
            Database second = secondProcessDatabase();
            try {
                Quotas a = quotas();
                Quotas b = track(open(second, ttlMs()));
                List<QuotaReservation> won = race(List.of(a, b), 100, List.of(new Claim(messages, 30, 1), new Claim(keySpend, 1_000_000, 10)));
                assertThat(won).hasSize(30);
                won.forEach(r -> r.settle(Map.of(messages, 1L, keySpend, 7L)));
                assertThat(b.used(List.of(messages, keySpend))).containsEntry(messages, 30L).containsEntry(keySpend, 210L);
                flush(a);
                flush(b);
                assertThat(tableUsed(messages, "2026-11")).isEqualTo(30);
                assertThat(tableUsed(keySpend, "2026-11")).isEqualTo(210);
            } finally {
                second.close();
            }
        }

        /**
         * With a lease (the gateway uses credits.replica_lease_ms): a live replica's reservation outlives several leases
         * because it renews it; a dead one's is released within about a lease, not after the 60 s TTL.
         */
        @Test
        void aLiveReplicaRenewsItsReservationsAndADeadOnesGoWithinALease() throws Exception {
            Database second = secondProcessDatabase();
            try {
                QuotaOptions leased = options(60_000).withRedisLease(1_000);
                Quotas live = track(Quotas.create(db, clock, metrics, listener, leased));
                Quotas dead = Quotas.create(second, clock, metrics, listener, leased);
                QuotaReservation kept = admitted(live.reserve(id(), List.of(new Claim(messages, 2, 1))));
                admitted(dead.reserve(id(), List.of(new Claim(messages, 2, 1))));
                dead.close(); // its process is gone: nobody renews its reservation
                long deadAtNanos = System.nanoTime();
                boolean admittedAgain = false;
                while (!admittedAgain && System.nanoTime() - deadAtNanos < 10_000_000_000L) {
                    QuotaResult r = live.reserve(id(), List.of(new Claim(messages, 2, 1)));
                    if (r instanceof QuotaResult.Admitted a) {
                        admittedAgain = true;
                        a.reservation().release();
                    } else {
                        Thread.sleep(50);
                    }
                }
                long tookMs = (System.nanoTime() - deadAtNanos) / 1_000_000;
                assertThat(admittedAgain).as("the dead replica's hold went within 10 s (TTL 60 s)").isTrue();
                assertThat(tookMs).as("released after its lease ran out").isGreaterThanOrEqualTo(500);
                Thread.sleep(2_500); // 2.5 leases: only the renewals keep the live replica's reservation
                assertThat(live.reserve(id(), List.of(new Claim(messages, 2, 2)))).as("the live hold is still there")
                        .isInstanceOf(QuotaResult.Refused.class);
                kept.settle(Map.of(messages, 1L));
                assertThat(live.used(List.of(messages))).containsEntry(messages, 1L);
            } finally {
                second.close();
            }
        }

        @Test
        void aReserveThatTimedOutIsReleasedWhenRedisAnswersNotAfterTheTtl() throws Exception {
            try (RedisProxy proxy = new RedisProxy()) {
                Quotas q = track(Quotas.create(db, clock, metrics, listener, QuotaOptions.local(600_000)
                        .withRedis(proxy.url(), prefix).withRedisTimeout(Duration.ofMillis(300))));
                admitted(q.reserve(id(), List.of(new Claim(messages, 2, 1)))).settle(Map.of(messages, 1L)); // connected, seeded
                proxy.pauseReplies();
                assertThat(q.reserve(id(), List.of(new Claim(messages, 2, 1)))).isInstanceOf(QuotaResult.Unavailable.class);
                assertThat(((RedisQuotas) q).replayPending()).isEqualTo(1);
                proxy.resumeReplies();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (((RedisQuotas) q).replayPending() > 0 && System.nanoTime() < deadline) {
                    ((RedisQuotas) q).replayNow();
                    Thread.sleep(20);
                }
                assertThat(((RedisQuotas) q).replayPending()).isZero();
                // the timed-out reserve did run in Redis and held 1; its release gave it back
                admitted(q.reserve(id(), List.of(new Claim(messages, 2, 1))));
                assertThat(q.used(List.of(messages))).containsEntry(messages, 1L);
            }
        }

        @Test
        void aResolvedReservationKeepsItsMarkerForAMinuteNotAWholeTtl() {
            Quotas q = track(open(db, 900_000));
            String open = id();
            String settled = id();
            admitted(q.reserve(open, List.of(new Claim(messages, 5, 1))));
            admitted(q.reserve(settled, List.of(new Claim(messages, 5, 1)))).settle(Map.of(messages, 1L));
            RedisClient client = RedisClient.create(REDIS);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                long nowMs = Long.parseLong(c.sync().time().get(0)) * 1000;
                String exp = prefix + "{2026-11}:exp";
                assertThat(c.sync().zscore(exp, open).longValue() - nowMs).isBetween(890_000L, 901_000L);
                assertThat(c.sync().zscore(exp, settled).longValue() - nowMs).isBetween(50_000L, 61_000L);
                assertThat(c.sync().hget(prefix + "{2026-11}:res", settled)).isEqualTo("done");
            } finally {
                client.shutdown();
            }
        }

        /** The same store opened again, as a second gateway process would (SQLite: the same file). */
        abstract Database secondProcessDatabase();

        @Test
        void anEmptiedRedisIsSeededFromTheTableWithoutDoubleCounting() throws Exception {
            Quotas a = quotas();
            Quotas b = track(open(db, ttlMs()));
            for (int i = 0; i < 5; i++) admitted(a.reserve(id(), List.of(new Claim(messages, 8, 1)))).settle(Map.of(messages, 1L));
            flush(a);
            flushRedis();
            assertThat(b.used(List.of(messages))).containsEntry(messages, 5L); // from the table meanwhile
            List<QuotaReservation> won = race(List.of(a, b), 20, List.of(new Claim(messages, 8, 1)));
            assertThat(won).hasSize(3); // 5 settled before + 3, both replicas seeding at once counted once
            won.forEach(r -> r.settle(Map.of(messages, 1L)));
            assertThat(a.used(List.of(messages))).containsEntry(messages, 8L);
            flush(a);
            flush(b);
            assertThat(tableUsed(messages, "2026-11")).isEqualTo(8);
        }

        @Test
        void redisDownFailsClosedAndTheTableStillAnswers() throws Exception {
            Quotas up = quotas();
            admitted(up.reserve(id(), List.of(new Claim(messages, 9, 1)))).settle(Map.of(messages, 1L));
            flush(up);
            Quotas down = track(Quotas.create(db, clock, metrics, listener,
                    QuotaOptions.local(ttlMs()).withRedis("redis://127.0.0.1:1", prefix).withRedisTimeout(Duration.ofMillis(200))));
            QuotaResult r = down.reserve(id(), List.of(new Claim(messages, 9, 1)));
            assertThat(r).isInstanceOf(QuotaResult.Unavailable.class);
            assertThat(down.reserve(id(), List.of())).isInstanceOf(QuotaResult.Admitted.class); // no claims: no Redis
            assertThat(metrics.counter("tollgate.quota.unavailable", "store", "redis").count()).isEqualTo(1);
            assertThat(down.used(List.of(messages))).containsEntry(messages, 1L);
        }

        @Test
        void aSettleDuringAnOutageReachesTheTableAndRedisAfterwards() throws Exception {
            try (RedisProxy proxy = new RedisProxy()) {
                Quotas q = track(Quotas.create(db, clock, metrics, listener, QuotaOptions.local(ttlMs())
                        .withRedis(proxy.url(), prefix).withRedisTimeout(Duration.ofMillis(300))));
                QuotaReservation r = admitted(q.reserve(id(), List.of(new Claim(tokens, 1000, 500))));
                proxy.cut();
                r.settle(Map.of(tokens, 321L));
                assertThat(((RedisQuotas) q).replayPending()).isEqualTo(1);
                assertThat(q.reserve(id(), List.of(new Claim(tokens, 1000, 1)))).isInstanceOf(QuotaResult.Unavailable.class);
                flush(q);
                assertThat(tableUsed(tokens, "2026-11")).isEqualTo(321);
                proxy.restore();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (((RedisQuotas) q).replayPending() > 0 && System.nanoTime() < deadline) {
                    ((RedisQuotas) q).replayNow();
                    Thread.sleep(20);
                }
                assertThat(((RedisQuotas) q).replayPending()).isZero();
                assertThat(q.used(List.of(tokens))).containsEntry(tokens, 321L); // from Redis, counted once
                // the hold of 500 was given back by the replayed settle: 679 fit, 680 do not
                assertThat(q.reserve(id(), List.of(new Claim(tokens, 1000, 680)))).isInstanceOf(QuotaResult.Refused.class);
                admitted(q.reserve(id(), List.of(new Claim(tokens, 1000, 679))));
                assertThat(observed).contains("tokens=321/1000@2026-11");
            }
        }
    }

    @Nested
    class OnSqlite extends OnRedis {
        @TempDir Path dir;
        String url;

        @Override
        Database database() {
            url = TestDatabases.sqliteUrl(dir);
            return Database.open(url);
        }

        @Override
        Database secondProcessDatabase() { return Database.open(url); }
    }

    @Nested
    class OnPostgres extends OnRedis {
        String url;

        @Override
        Database database() {
            url = SharedSchema.postgresUrl();
            return Database.open(url);
        }

        @Override
        Database secondProcessDatabase() { return Database.open(url); }
    }
}
