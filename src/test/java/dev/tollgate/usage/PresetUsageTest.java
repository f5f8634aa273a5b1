package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preset and version on usage events are written (migration 016) and counted per account and version, on both stores. */
class PresetUsageTest {
    @TempDir
    Path dir;

    static UsageEvent event(int i, String account, String preset, int version, int status, long cost, long atMs) {
        return new UsageEvent("ue_p" + i, "r" + i, atMs, account, "key", null, null, "/v1/chat/completions", "m", "m", "p",
                "m", 1, false, "m@p=ok", "general", false, "simple", status, null, 10, 2, 0, 0, 0, cost, 0, false, false,
                5, 5, null, preset, version);
    }

    @Test
    void sqlite() throws Exception {
        try (Database db = TestDatabases.sqlite(dir)) {
            check(db);
        }
    }

    @Test
    void postgres() throws Exception {
        try (Database db = TestDatabases.postgres()) {
            check(db);
        }
    }

    private static void check(Database db) throws Exception {
        UsageWriter writer = new UsageWriter(db, 100, 50, 1, new SimpleMeterRegistry());
        long now = 10_000_000L;
        List<UsageEvent> events = List.of(
                event(1, "acct_a", "terse", 1, 200, 7, now),
                event(2, "acct_a", "terse", 2, 200, 11, now + 1),
                event(3, "acct_a", "terse", 2, 502, 0, now + 2),
                event(4, "acct_a", "terse", 2, 200, 11, now - 5_000), // before the window
                event(5, "acct_b", "terse", 2, 200, 11, now + 3),     // another account
                event(6, "acct_a", "other", 1, 200, 11, now + 4),     // another preset
                event(7, "acct_a", null, 0, 200, 11, now + 5));       // no preset
        events.forEach(writer::offer);
        assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
        writer.close();
        assertThat(new PresetUsage(db).byVersion("acct_a", "terse", now)).containsExactly(
                new PresetUsage.Version(2, 2, 1, 20, 4, 11),
                new PresetUsage.Version(1, 1, 0, 10, 2, 7));
        assertThat(new PresetUsage(db).byVersion("acct_c", "terse", 0)).isEmpty();
    }
}
