package dev.tollgate.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** Real stores for tests: a SQLite file in a temp dir, or a fresh schema in PostgreSQL's tollgate_test. */
public final class TestDatabases {
    public static final String PG_HOST = "jdbc:postgresql://127.0.0.1:5432/";
    public static final String PG_DB = "tollgate_test";

    private TestDatabases() {}

    public static String sqliteUrl(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("tollgate.db");
    }

    public static Database sqlite(Path dir) {
        return Database.open(sqliteUrl(dir));
    }

    public static Database postgres() {
        return Database.open(postgresUrl());
    }

    /** A URL for a new, empty schema: tests are isolated and can run again and again. */
    public static synchronized String postgresUrl() {
        try {
            ensureDatabase();
            String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            try (Connection c = DriverManager.getConnection(PG_HOST + PG_DB + "?user=postgres");
                 Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            return PG_HOST + PG_DB + "?user=postgres&currentSchema=" + schema;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on 127.0.0.1:5432 is needed for this test: " + e.getMessage(), e);
        }
    }

    private static void ensureDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_HOST + "postgres?user=postgres");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + PG_DB + "'")) {
            if (!rs.next()) {
                try (Statement create = c.createStatement()) {
                    create.execute("CREATE DATABASE " + PG_DB);
                } catch (SQLException e) {
                    if (!"42P04".equals(e.getSQLState())) throw e; // created meanwhile by another test JVM
                }
            }
        }
    }
}
