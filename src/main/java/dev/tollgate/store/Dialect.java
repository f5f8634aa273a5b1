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

    /** True when the store refused a row because a UNIQUE constraint or index already holds its value. */
    public boolean isUniqueViolation(java.sql.SQLException e) {
        return switch (this) {
            case POSTGRES -> "23505".equals(e.getSQLState());
            case SQLITE -> e.getErrorCode() == 19 && String.valueOf(e.getMessage()).contains("UNIQUE");
        };
    }
}
