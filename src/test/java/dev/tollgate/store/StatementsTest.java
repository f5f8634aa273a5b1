package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled statements are reused across pool checkouts on SQLite, bounded, and never leak between uses. */
class StatementsTest {
    @TempDir Path tmp;

    @Test
    void sqliteReusesTheCompiledStatementAcrossCheckoutsAndTransactions() throws Exception {
        try (Database db = TestDatabases.sqlite(tmp)) {
            exec(db, "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
            PreparedStatement first = null;
            int reused = 0;
            for (int i = 0; i < 50; i++) {
                try (Connection c = db.connection()) {
                    c.setAutoCommit(false);
                    try (Statements.Lease s = Statements.prepare(c, "INSERT INTO t (k, v) VALUES (?, ?)")) {
                        s.statement().setString(1, "k" + i);
                        s.statement().setInt(2, i);
                        assertThat(s.statement().executeUpdate()).isEqualTo(1);
                        // no "SELECT last_insert_rowid()" compiled and run after each insert (jdbc.get_generated_keys)
                        try (ResultSet keys = s.statement().getGeneratedKeys()) {
                            assertThat(keys == null || !keys.next()).isTrue();
                        }
                        if (first == null) first = s.statement();
                        // the pool may hand out another physical connection; on the same one it is the same statement
                        if (c.unwrap(org.sqlite.SQLiteConnection.class) == first.getConnection()) {
                            assertThat(s.statement()).isSameAs(first);
                            reused++;
                        }
                    }
                    c.commit();
                    c.setAutoCommit(true);
                }
            }
            assertThat(reused).as("uses that met the first use's connection (the pool hands it out again)").isGreaterThan(1);
            try (Connection c = db.connection(); Statements.Lease s = Statements.prepare(c, "SELECT COUNT(*), SUM(v) FROM t");
                 ResultSet rs = s.statement().executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(50);
                assertThat(rs.getInt(2)).isEqualTo(49 * 50 / 2);
            }
        }
    }

    @Test
    void parametersOfOneUseDoNotLeakIntoTheNext() throws Exception {
        try (Database db = TestDatabases.sqlite(tmp)) {
            exec(db, "CREATE TABLE t (k TEXT, v INTEGER)");
            try (Connection c = db.connection()) {
                try (Statements.Lease s = Statements.prepare(c, "INSERT INTO t (k, v) VALUES (?, ?)")) {
                    s.statement().setString(1, "a");
                    s.statement().setInt(2, 1);
                    s.statement().executeUpdate();
                }
                try (Statements.Lease s = Statements.prepare(c, "INSERT INTO t (k, v) VALUES (?, ?)")) {
                    s.statement().setString(1, "b"); // v left unbound: NULL, not the previous use's 1
                    s.statement().executeUpdate();
                }
                try (Statements.Lease s = Statements.prepare(c, "SELECT v FROM t WHERE k = 'b'");
                     ResultSet rs = s.statement().executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    rs.getInt(1);
                    assertThat(rs.wasNull()).isTrue();
                }
            }
        }
    }

    @Test
    void theCachePerConnectionIsBoundedAndAFailedStatementLeavesItUsable() throws Exception {
        try (Database db = TestDatabases.sqlite(tmp)) {
            exec(db, "CREATE TABLE t (k TEXT PRIMARY KEY)");
            try (Connection c = db.connection()) {
                for (int i = 0; i < Statements.PER_CONNECTION + 40; i++) {
                    try (Statements.Lease s = Statements.prepare(c, "SELECT " + i + " FROM t WHERE k = ?")) {
                        s.statement().setString(1, "x");
                        try (ResultSet rs = s.statement().executeQuery()) {
                            assertThat(rs.next()).isFalse();
                        }
                    }
                }
                assertThat(Statements.cachedOn(c)).isEqualTo(Statements.PER_CONNECTION);
                String insert = "INSERT INTO t (k) VALUES (?)";
                try (Statements.Lease s = Statements.prepare(c, insert)) {
                    s.statement().setString(1, "dup");
                    s.statement().executeUpdate();
                }
                try (Statements.Lease s = Statements.prepare(c, insert)) {
                    s.statement().setString(1, "dup");
                    assertThatThrownBy(() -> s.statement().executeUpdate()).isInstanceOf(SQLException.class);
                }
                try (Statements.Lease s = Statements.prepare(c, insert)) {
                    s.statement().setString(1, "next");
                    assertThat(s.statement().executeUpdate()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void postgresGetsAFreshStatementClosedWithTheLease() throws Exception {
        try (Database db = TestDatabases.postgres(); Connection c = db.connection()) {
            PreparedStatement used;
            try (Statements.Lease s = Statements.prepare(c, "SELECT 1")) {
                used = s.statement();
                try (ResultSet rs = used.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
            }
            assertThat(used.isClosed()).isTrue();
        }
    }

    private static void exec(Database db, String sql) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
