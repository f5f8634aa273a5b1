package dev.tollgate.ledger;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;

/** The two stores every ledger test runs against. */
enum Store {
    SQLITE, POSTGRES;

    Database open(Path tempDir) {
        return this == SQLITE ? TestDatabases.sqlite(tempDir) : TestDatabases.postgres();
    }
}
