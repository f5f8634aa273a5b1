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

    /** A store from before names were unique: the first of each name keeps it, later ones become name-id. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite", "postgres"})
    void duplicateNamesFromBeforeTheRuleAreRenamedThenNamesAreUnique(String store, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String url = store.equals("postgres") ? TestDatabases.postgresUrl() : TestDatabases.sqliteUrl(dir);
        int before = Migrations.SCRIPTS.indexOf("004_unique_account_names.sql");
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            for (int i = 0; i < before; i++) {
                String script = Migrations.SCRIPTS.get(i);
                try (var in = Migrations.class.getResourceAsStream("/db/" + script)) {
                    for (String sql : Migrations.statements(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))) {
                        st.execute(sql);
                    }
                }
                st.execute("INSERT INTO schema_migrations VALUES (" + (i + 1) + ", '" + script + "', 0)");
            }
            st.execute("INSERT INTO accounts (id, name, plan, created_at) VALUES "
                    + "('acct_b', 'acme', NULL, 100), ('acct_a', 'acme', NULL, 100), ('acct_c', 'acme', NULL, 50), "
                    + "('acct_x2', 'x', NULL, 20), ('acct_x1', 'x', NULL, 10), ('acct_s', 'solo', NULL, 5)");
        }
        try (Database db = Database.open(url)) {
            java.util.Map<String, String> names = new java.util.TreeMap<>();
            try (Connection c = db.connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, name FROM accounts")) {
                while (rs.next()) names.put(rs.getString(1), rs.getString(2));
            }
            assertThat(names).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                    "acct_c", "acme", "acct_a", "acme-acct_a", "acct_b", "acme-acct_b",
                    "acct_x1", "x", "acct_x2", "x-acct_x2", "acct_s", "solo"));
            var accounts = new dev.tollgate.account.Accounts(db, java.time.Clock.systemUTC(), java.time.Duration.ZERO);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> accounts.create("acme", null))
                    .isInstanceOf(dev.tollgate.account.AccountNameTakenException.class).hasMessageContaining("'acme'");
            assertThat(accounts.create("acme-2", null).name()).isEqualTo("acme-2");
        }
    }

    @Test
    void aStoreThatRanAScriptThisBuildDoesNotKnowIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String url = TestDatabases.sqliteUrl(dir);
        try (Database db = Database.open(url); Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO schema_migrations (version, script, applied_at) VALUES (999, '999_from_the_future.sql', 0)");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Database.open(url))
                .hasStackTraceContaining("999_from_the_future.sql");
    }

    /** Scripts are remembered by name, so one appended on another branch and merged later still runs. */
    @Test
    void aScriptTheStoreHasNotRunIsAppliedEvenIfALaterOneWas(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String url = TestDatabases.sqliteUrl(dir);
        Database.open(url).close();
        try (Database db = Database.open(url); Connection c = db.connection(); Statement st = c.createStatement()) {
            // pretend the store never ran the provider-usage script (drop what it made, forget it)
            st.execute("DROP INDEX ledger_transfers_provider_time");
            st.execute("DELETE FROM schema_migrations WHERE script = '003_provider_usage.sql'");
        }
        try (Database db = Database.open(url); Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ledger_transfers_provider_time'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the forgotten script ran again").isEqualTo(1);
        }
    }

    @Test
    void statementsSplitOnLineEndSemicolonsAndSkipComments() {
        assertThat(Migrations.statements("-- c\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a(x);\n"))
                .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i ON a(x)");
    }
}
