package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer never blocks a request: a full queue drops (and counts) events; what it accepts it writes once. */
class UsageWriterTest {
    @TempDir
    Path dir;

    static UsageEvent event(int i) {
        return new UsageEvent("ue_t" + i, "r" + i, 1_000_000L + i, "acct_a", "key_a", null, null, "/v1/chat/completions",
                "m", "m", "p", "m", 1, false, "m@p=ok", "general", false, "simple", 200, null, 10, 2, 0, 0, 0, 7, 0, false,
                false, 5, 5);
    }

    @Test
    void aStalledStoreDropsEventsWithoutBlockingTheCaller() throws Exception {
        try (Database db = TestDatabases.sqlite(dir)) {
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            UsageWriter writer = new UsageWriter(db, 100, 50, 1, metrics);
            long accepted = 0;
            try (Connection lock = db.connection(); Statement st = lock.createStatement()) {
                lock.setAutoCommit(false);
                st.executeUpdate("DELETE FROM usage_events"); // takes SQLite's write lock (IMMEDIATE): the writer waits
                long start = System.nanoTime();
                for (int i = 0; i < 1_000; i++) if (writer.offer(event(i))) accepted++;
                long offerMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(offerMs).as("1,000 offers against a stalled store").isLessThan(1_000);
                lock.rollback();
            }
            // the queue, plus at most a batch or two already taken (up to BACKLOG_FACTOR × 50 each when behind)
            assertThat(accepted).isBetween(100L, 100L + 2 * UsageWriter.BACKLOG_FACTOR * 50);
            assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(writer.droppedCount()).isEqualTo(1_000 - accepted);
            assertThat(metrics.get("tollgate.usage.events.dropped").counter().count()).isEqualTo(1_000 - accepted);
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                assertThat(count(st, "SELECT COUNT(*) FROM usage_events")).isEqualTo(accepted);
                assertThat(count(st, "SELECT SUM(requests) FROM usage_rollups WHERE period = 'h' AND scope = 'p'")).isEqualTo(accepted);
                assertThat(count(st, "SELECT SUM(cost_micros) FROM usage_rollups WHERE period = 'd' AND scope = 's'")).isEqualTo(7 * accepted);
                for (String scope : new String[] {"k", "p", "u", "y", "a", "s"}) {
                    assertThat(count(st, "SELECT SUM(requests) FROM usage_rollups WHERE period = 'd' AND scope = '" + scope + "'"))
                            .as(scope).isEqualTo(accepted);
                }
            }
            writer.close();
        }
    }

    /**
     * The writer keeps its connection between batches; a batch the store refuses (here: an event id written before)
     * is lost and counted, the connection is given back, and the next batch is written through a fresh one. Every
     * pooled connection still commits durably afterwards (the writer sets synchronous back to FULL).
     */
    @Test
    void aRefusedBatchIsCountedAndTheNextOneIsWritten() throws Exception {
        try (Database db = TestDatabases.sqlite(dir)) {
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            UsageWriter writer = new UsageWriter(db, 100, 50, 1, metrics);
            assertThat(writer.offer(event(1))).isTrue();
            assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(writer.offer(event(1))).isTrue(); // the same id again: the store refuses the batch
            assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(writer.failedCount()).isEqualTo(1);
            assertThat(writer.offer(event(2))).isTrue();
            assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(writer.failedCount()).isEqualTo(1);
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                assertThat(count(st, "SELECT COUNT(*) FROM usage_events")).isEqualTo(2);
                assertThat(count(st, "SELECT SUM(requests) FROM usage_rollups WHERE period = 'm' AND scope = 'a'")).isEqualTo(2);
            }
            writer.close();
            java.util.List<Connection> pool = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) pool.add(db.connection()); // every connection of the pool (8 on SQLite) at once
                for (Connection c : pool) {
                    try (Statement st = c.createStatement()) {
                        assertThat(count(st, "PRAGMA synchronous")).isEqualTo(2); // FULL
                    }
                }
            } finally {
                for (Connection c : pool) c.close();
            }
        }
    }

    private static long count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
