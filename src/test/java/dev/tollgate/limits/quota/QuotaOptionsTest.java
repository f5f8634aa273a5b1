package dev.tollgate.limits.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.Dialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which quota store a configuration gets, and that its reservations follow the replica lease (docs/limits.md). */
class QuotaOptionsTest {
    @TempDir
    Path dir;

    TollgateConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, "providers: [ { name: m, type: mock } ]\nmodels: [ { name: a, provider: m, price: free } ]\n" + yaml);
        return new ConfigLoader(Map.of()).load(file);
    }

    @Test
    void redisReservationsLiveOneReplicaLeaseBetweenRenewals() throws Exception {
        TollgateConfig config = load("redis: redis://127.0.0.1:6379\ncredits: { replica_lease_ms: 7000 }\n");
        QuotaOptions o = QuotaOptions.from(config, Dialect.POSTGRES);
        assertThat(o.store()).isEqualTo(QuotaOptions.Store.REDIS);
        assertThat(o.redisLeaseMs()).isEqualTo(7_000);
        assertThat(o.reservationTtlMs()).as("still bounded by the hold TTL").isEqualTo(config.credits().holdTtlMs());
    }

    @Test
    void postgresWithoutRedisUsesTheDatabaseStoreAndSqliteTheLocalOne() throws Exception {
        assertThat(QuotaOptions.from(load(""), Dialect.POSTGRES).store()).isEqualTo(QuotaOptions.Store.DATABASE);
        assertThat(QuotaOptions.from(load(""), Dialect.POSTGRES).redisLeaseMs()).isZero();
        assertThat(QuotaOptions.from(load(""), Dialect.SQLITE).store()).isEqualTo(QuotaOptions.Store.LOCAL);
    }
}
