package dev.tollgate.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies the numbered scripts under {@code /db} once each, in list order, in one transaction; a
 * store remembers each script it ran by name. Several processes may start at once on one
 * PostgreSQL: an advisory lock serialises them. New migrations are appended to {@link #SCRIPTS};
 * an applied script is never edited or renamed.
 */
final class Migrations {
    static final List<String> SCRIPTS = List.of("001_accounts.sql", "002_ledger.sql", "003_provider_usage.sql",
            "004_unique_account_names.sql", "005_limits.sql", "006_quota_usage.sql",
            "007_emergency_stops.sql", "008_alerts.sql", "009_usage.sql", "010_responses.sql",
            "011_presets.sql", "012_conversations.sql", "013_images.sql", "014_credit_slices.sql",
            "015_replica_leases.sql", "016_usage_presets.sql", "017_cache_write_tokens.sql",
            "018_key_management.sql", "019_top_users_index.sql", "020_monthly_user_rollups.sql",
            "021_quota_reservation_replica.sql");
    private static final long PG_LOCK_ID = 0x7011_6A7EL;

    private Migrations() {}

    static void apply(Database db) throws SQLException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                if (db.dialect() == Dialect.POSTGRES) st.execute("SELECT pg_advisory_xact_lock(" + PG_LOCK_ID + ")");
                st.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        + "version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            }
            Set<String> applied = applied(c);
            int version = maxVersion(c);
            for (String script : SCRIPTS) {
                if (applied.contains(script)) continue;
                try (Statement st = c.createStatement()) {
                    for (String sql : statements(read(script))) st.execute(sql);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO schema_migrations (version, script, applied_at) VALUES (?, ?, ?)")) {
                    ps.setInt(1, ++version);
                    ps.setString(2, script);
                    ps.setLong(3, System.currentTimeMillis());
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
    }

    private static int maxVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The scripts this store has run, by name: a script is applied when its name is missing, so two
     * features developed side by side may each append one without renumbering the other's.
     */
    private static Set<String> applied(Connection c) throws SQLException {
        Set<String> applied = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT script FROM schema_migrations")) {
            while (rs.next()) applied.add(rs.getString(1));
        }
        for (String script : applied) {
            if (!SCRIPTS.contains(script)) {
                throw new SQLException("store has migration " + script + " that this build does not know; upgrade Tollgate");
            }
        }
        return applied;
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/" + script)) {
            if (in == null) throw new IllegalStateException("migration /db/" + script + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Splits on ';' at line ends; comments start with '--'. Scripts hold no procedural code. */
    static List<String> statements(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) continue;
            cur.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = cur.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) out.add(cur.toString().strip());
        return out;
    }
}
