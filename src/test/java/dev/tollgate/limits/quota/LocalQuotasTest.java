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

/** The local (in-process) store on SQLite and on PostgreSQL. */
class LocalQuotasTest {
    abstract static class Local extends QuotasContract {
        @Override
        Quotas open(Database db, long ttlMs) {
            return Quotas.create(db, clock, metrics, listener, QuotaOptions.local(ttlMs));
        }

        @Override
        void flush(Quotas q) { ((LocalQuotas) q).flush(); }

        @Override
        void passTtl(long ttlMs) { clock.advance(Duration.ofMillis(ttlMs)); }

        @Test
        void aReservationIsNotReleasedBeforeItsTtl() {
            Quotas q = quotas();
            admitted(q.reserve(id(), List.of(new Claim(messages, 1, 1))));
            clock.advance(Duration.ofMillis(ttlMs() - 1));
            assertThat(q.reserve(id(), List.of(new Claim(messages, 1, 1)))).isInstanceOf(QuotaResult.Refused.class);
            clock.advance(Duration.ofMillis(1));
            admitted(q.reserve(id(), List.of(new Claim(messages, 1, 1))));
            assertThat(metrics.counter("tollgate.quota.expired", "store", "local").count()).isEqualTo(1);
        }

        @Test
        void aLateSettleOfAnExpiredReservationStillCountsTheUsage() {
            Quotas q = quotas();
            QuotaReservation late = admitted(q.reserve(id(), List.of(new Claim(messages, 5, 1))));
            clock.advance(Duration.ofMillis(ttlMs()));
            admitted(q.reserve(id(), List.of(new Claim(messages, 5, 1)))).release(); // runs the sweep
            late.settle(Map.of(messages, 1L));
            assertThat(q.used(List.of(messages))).containsEntry(messages, 1L);
            // the expired hold was given back once, not twice
            QuotaResult r = q.reserve(id(), List.of(new Claim(messages, 5, 5)));
            assertThat(((QuotaResult.Refused) r).reserved()).isZero();
        }

        @Test
        void anUnreachableStoreFailsClosedAndIsCounted() {
            Quotas q = quotas();
            db.close();
            QuotaResult r = q.reserve(id(), List.of(new Claim(messages, 5, 1)));
            assertThat(r).isInstanceOf(QuotaResult.Unavailable.class);
            assertThat(metrics.counter("tollgate.quota.unavailable", "store", "local").count()).isEqualTo(1);
            db = null;
        }
    }

    @Nested
    class OnSqlite extends Local {
        @TempDir Path dir;

        @Override
        Database database() { return TestDatabases.sqlite(dir); }
    }

    @Nested
    class OnPostgres extends Local {
        @Override
        Database database() { return Database.open(SharedSchema.postgresUrl()); }
    }
}
