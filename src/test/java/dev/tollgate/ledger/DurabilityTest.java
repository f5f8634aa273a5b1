package dev.tollgate.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hold-only batches skip the fsync; the pooled connections must come back fully durable. */
class DurabilityTest {
    @TempDir
    Path dir;

    @Test
    void sqliteConnectionsReturnToTheDurableSettingAfterAHoldOnlyBatch() throws Exception {
        try (Database db = TestDatabases.sqlite(dir);
             Ledger ledger = new Ledger(db, Clock.systemUTC(), LedgerOptions.defaults())) {
            ledger.grant("g", "acct_a", 1_000_000, null);
            for (int i = 0; i < 20; i++) {
                ledger.hold("h" + i, "acct_a", 10, Duration.ofMinutes(1));
                ledger.release("h" + i);
            }
            List<Connection> all = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) all.add(db.connection()); // the whole SQLite pool
                for (Connection c : all) {
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("2 = FULL").isEqualTo(2);
                    }
                    assertThat(c.getAutoCommit()).isTrue();
                }
            } finally {
                for (Connection c : all) c.close();
            }
            assertThat(ledger.balance("acct_a")).isEqualTo(new Balance(1_000_000, 0));
            assertThat(ledger.verify().ok()).isTrue();
        }
    }
}
