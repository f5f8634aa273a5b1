package dev.tollgate.store;

/** The two stores Tollgate runs on. SQL is written to work on both; the few differences live here. */
public enum Dialect {
    SQLITE, POSTGRES;

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) return SQLITE;
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRES;
        throw new IllegalArgumentException("unsupported store URL '" + jdbcUrl
                + "' (expected jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB)");
    }
}
