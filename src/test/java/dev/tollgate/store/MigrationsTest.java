package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MigrationsTest {
    @Test
    void severalProcessesStartingAtOnceMigrateOnce() throws Exception {
        String url = TestDatabases.postgresUrl();
        List<Future<Database>> opened = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) opened.add(pool.submit((Callable<Database>) () -> Database.open(url)));
        }
        List<Database> dbs = new ArrayList<>();
        for (Future<Database> f : opened) dbs.add(f.get());
        try (Connection c = dbs.get(0).connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_migrations")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(Migrations.SCRIPTS.size());
            assertThat(rs.getInt(2)).isEqualTo(Migrations.SCRIPTS.size());
        } finally {
            dbs.forEach(Database::close);
        }
    }

    @Test
    void reopeningIsANoOp(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String url = TestDatabases.sqliteUrl(dir);
        Database.open(url).close();
        try (Database db = Database.open(url); Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM schema_migrations")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(Migrations.SCRIPTS.size());
        }
    }

    @Test
    void statementsSplitOnLineEndSemicolonsAndSkipComments() {
        assertThat(Migrations.statements("-- c\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a(x);\n"))
                .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i ON a(x)");
    }
}
