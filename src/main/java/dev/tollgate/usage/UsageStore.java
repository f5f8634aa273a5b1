package dev.tollgate.usage;

import dev.tollgate.store.Database;
import dev.tollgate.store.Dialect;
import dev.tollgate.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * Where usage events and rollups live (docs/analytics.md "Where events are stored"). On SQLite, their own file beside
 * the main one ({@code tollgate.db} → {@code tollgate-usage.db}): SQLite has one write lock and one WAL per file, so in
 * the main file every usage batch made the ledger's durable commits wait behind it, and each ledger fsync also flushed
 * the usage pages written since the last one. In a file of their own, analytics never delay a charge. On PostgreSQL
 * (row locks, one server) and for in-memory SQLite they stay in the main store.
 *
 * <p>The usage file is made by the same migrations as the main one (its other tables stay empty), so a migration that
 * changes the usage tables applies to whichever store holds them. A main file written by an earlier version still
 * holds its events and rollups: they are moved over once, when the usage file is new (see {@link #moveOver}).
 */
public final class UsageStore {
    private static final Logger LOG = Logger.getLogger(UsageStore.class.getName());
    private static final String SQLITE = "jdbc:sqlite:";

    private UsageStore() {}

    /** The store for usage: {@code main} itself, or a new {@link Database} the caller closes. */
    static Database open(Database main) {
        Path file = separateFile(main);
        if (file == null) return main;
        Database usage = Database.open(SQLITE + file);
        try {
            moveOver(main, usage, file);
        } catch (RuntimeException e) {
            usage.close();
            throw e;
        }
        return usage;
    }

    /** {@code <dir>/<name>-usage.db} for a SQLite file store, null when usage stays in the main store. */
    static Path separateFile(Database main) {
        return fileFor(main.url());
    }

    /** The usage file of the store at {@code mainUrl} (backups), null when usage stays in the main store. */
    public static Path fileFor(String mainUrl) {
        if (Dialect.of(mainUrl) != Dialect.SQLITE) return null;
        String file = mainUrl.substring(SQLITE.length());
        if (file.isEmpty() || file.contains("?") || file.startsWith(":memory:") || file.startsWith("file:")) return null;
        Path path = Path.of(file).toAbsolutePath();
        String name = path.getFileName().toString();
        String stem = name.endsWith(".db") ? name.substring(0, name.length() - 3) : name;
        return path.resolveSibling(stem + "-usage.db");
    }

    /**
     * Moves the events and rollups an earlier version wrote into the main file: copied into the usage file in one
     * transaction, only while the usage file has none (so a restart after a crash between the two steps never copies
     * twice), then deleted from the main file. A main file without usage rows (new, or already moved) costs two reads.
     */
    private static void moveOver(Database main, Database usage, Path usageFile) {
        try {
            if (!hasRows(main, "usage_rollups") && !hasRows(main, "usage_events")) return;
            if (!hasRows(usage, "usage_rollups") && !hasRows(usage, "usage_events")) {
                String mainFile = main.url().substring(SQLITE.length());
                LOG.info("moving usage events and rollups from " + mainFile + " to " + usageFile + " (once)");
                try (Connection c = usage.connection(); Statement st = c.createStatement()) {
                    st.execute("ATTACH DATABASE '" + mainFile.replace("'", "''") + "' AS earlier");
                    try {
                        c.setAutoCommit(false);
                        // same migrations on both files: the columns are in the same order
                        st.executeUpdate("INSERT INTO main.usage_events SELECT * FROM earlier.usage_events");
                        st.executeUpdate("INSERT INTO main.usage_rollups SELECT * FROM earlier.usage_rollups");
                        c.commit();
                    } catch (SQLException e) {
                        c.rollback();
                        throw e;
                    } finally {
                        c.setAutoCommit(true);
                        st.execute("DETACH DATABASE earlier");
                    }
                }
            }
            try (Connection c = main.connection(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.executeUpdate("DELETE FROM usage_events");
                st.executeUpdate("DELETE FROM usage_rollups");
                c.commit();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("move usage rows to " + usageFile, e);
        }
    }

    private static boolean hasRows(Database db, String table) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + table + ")");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }
}
