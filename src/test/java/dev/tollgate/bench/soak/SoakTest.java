package dev.tollgate.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short soak inside the suite: three gateway processes on one PostgreSQL schema (behind a pausable
 * proxy) and a redis-server of its own, 30 s of mixed traffic with a kill -9 of one replica, a Redis
 * restart and a PostgreSQL pause; every check of {@link SoakChecks} must pass. The long run is
 * {@code bench/soak.sh} (docs/operations.md "Soak").
 */
class SoakTest {
    @TempDir
    Path dir;

    @Test
    void threeReplicasUnderMixedTrafficAndFaultsKeepEveryInvariant() throws Exception {
        int redisPort;
        try (ServerSocket free = new ServerSocket(0)) {
            redisPort = free.getLocalPort(); // not the machine's Redis: this one is killed mid-run
        }
        Soak.Options defaults = Soak.Options.defaults(dir);
        Soak.Options shortRun = new Soak.Options(30, 4, 3, defaults.pgUrl(), defaults.pgPort(), defaults.redisServer(),
                redisPort, dir);
        assertThat(Soak.run(shortRun)).as("violated checks (the table above says which)").isZero();
    }
}
