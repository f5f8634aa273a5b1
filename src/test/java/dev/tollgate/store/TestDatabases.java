package dev.tollgate.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Real stores for tests: a SQLite file in a temp directory, or a fresh, uniquely named schema in
 * the PostgreSQL database {@code tollgate_test} on 127.0.0.1:5432 (user postgres, trust auth), so
 * tests are isolated from each other and can run again and again.
 */
public final class TestDatabases {
    private static final String PG_HOST = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String PG_DB = "tollgate_test";
    private static final String PG_USER = "postgres";

    private TestDatabases() {}

    /** A URL of a fresh SQLite file in {@code dir}. */
    public static String sqliteUrl(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("tollgate-" + UUID.randomUUID() + ".db");
    }

    public static Database sqlite(Path dir) {
        return Database.open("jdbc:sqlite:" + dir.resolve("tollgate-" + UUID.randomUUID() + ".db"));
    }

    public static Database postgres() {
        return Database.open(postgresUrl());
    }

    /** A URL of a new empty schema; open it several times to simulate several processes. */
    public static String postgresUrl() {
        createDatabaseIfMissing();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(PG_HOST + PG_DB, PG_USER, "");
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test schema: " + e.getMessage(), e);
        }
        return PG_HOST + PG_DB + "?user=" + PG_USER + "&currentSchema=" + schema;
    }

    private static synchronized void createDatabaseIfMissing() {
        try (Connection c = DriverManager.getConnection(PG_HOST + "postgres", PG_USER, "")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, PG_DB);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + PG_DB);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) throw e; // another test JVM created it first
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 is required for this test: " + e.getMessage(), e);
        }
    }
}
