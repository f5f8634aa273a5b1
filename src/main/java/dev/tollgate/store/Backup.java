package dev.tollgate.store;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Online backups of the store. SQLite: {@code VACUUM INTO} writes a consistent, compacted copy of the
 * database file while the server keeps serving (a read transaction; writers are not blocked under WAL),
 * then the copy is checked with {@code PRAGMA integrity_check}. PostgreSQL: {@code pg_dump}, whose
 * command line is derived from the JDBC URL (host, port, database, user, {@code currentSchema}); the
 * password, if the URL has one, goes through {@code PGPASSWORD}, never on the command line.
 */
public final class Backup {
    private Backup() {}

    /** A finished SQLite backup: the file, its size, and the number of ledger transfers it holds. */
    public record Written(Path file, long bytes, long transfers) {}

    public static Written sqlite(String jdbcUrl, Path target) {
        if (Dialect.of(jdbcUrl) != Dialect.SQLITE) throw new IllegalArgumentException("not a SQLite store: " + Database.redact(jdbcUrl));
        if (Files.exists(target)) throw new IllegalArgumentException("backup target already exists: " + target + " (choose another --to)");
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try (Connection c = DriverManager.getConnection(jdbcUrl);
                 PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                ps.setString(1, target.toAbsolutePath().toString());
                ps.execute();
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target.toAbsolutePath());
                 Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                    String verdict = rs.next() ? rs.getString(1) : "no answer";
                    if (!"ok".equals(verdict)) throw new IllegalStateException("backup " + target + " fails its integrity check: " + verdict);
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ledger_transfers")) {
                    rs.next();
                    return new Written(target, Files.size(target), rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("SQLite backup to " + target, e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write backup " + target + ": " + e.getMessage(), e);
        }
    }

    /** The {@code pg_dump} invocation (custom format, restorable with {@code pg_restore}) for a PostgreSQL store. */
    public record PgDump(List<String> command, Map<String, String> environment) {
        /** The command as one shell line, for printing (the password is never in it). */
        public String shellLine() {
            StringBuilder line = new StringBuilder();
            if (environment.containsKey("PGPASSWORD")) line.append("PGPASSWORD=... ");
            for (String part : command) {
                if (line.length() > 0 && line.charAt(line.length() - 1) != ' ') line.append(' ');
                line.append(part.matches("[A-Za-z0-9_./:=@-]+") ? part : "'" + part.replace("'", "'\\''") + "'");
            }
            return line.toString();
        }
    }

    public static PgDump pgDump(String jdbcUrl, Path target) {
        if (Dialect.of(jdbcUrl) != Dialect.POSTGRES) throw new IllegalArgumentException("not a PostgreSQL store: " + Database.redact(jdbcUrl));
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int q = rest.indexOf('?');
        Map<String, String> params = query(q < 0 ? "" : rest.substring(q + 1));
        String hostPortDb = q < 0 ? rest : rest.substring(0, q);
        int slash = hostPortDb.indexOf('/');
        String hostPort = slash < 0 ? hostPortDb : hostPortDb.substring(0, slash);
        String db = slash < 0 ? "" : hostPortDb.substring(slash + 1);
        int at = hostPort.lastIndexOf('@'); // jdbc URLs rarely carry user@, but tolerate it
        String host = at < 0 ? hostPort : hostPort.substring(at + 1);
        String port = "5432";
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            port = host.substring(colon + 1);
            host = host.substring(0, colon);
        }
        List<String> cmd = new ArrayList<>(List.of("pg_dump", "--format=custom", "--file=" + target, "--host=" + host,
                "--port=" + port));
        if (params.containsKey("user")) cmd.add("--username=" + params.get("user"));
        if (params.containsKey("currentSchema")) cmd.add("--schema=" + params.get("currentSchema"));
        cmd.add("--dbname=" + (db.isEmpty() ? "postgres" : db));
        Map<String, String> env = new LinkedHashMap<>();
        if (params.containsKey("password")) env.put("PGPASSWORD", params.get("password"));
        return new PgDump(List.copyOf(cmd), Map.copyOf(env));
    }

    private static Map<String, String> query(String q) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
