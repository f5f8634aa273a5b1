package dev.tollgate.cli;

import dev.tollgate.store.Backup;
import dev.tollgate.store.Database;
import dev.tollgate.store.Dialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tollgate backup}: an online backup of the store while the server runs (docs/operations.md).
 * SQLite: a checked copy of the database file. PostgreSQL: runs {@code pg_dump} when it is on the
 * PATH, else prints the command to run (exit 1).
 */
@Command(mixinStandardHelpOptions = true, name = "backup",
        description = "Back up the store while the server runs (SQLite: VACUUM INTO a file; PostgreSQL: pg_dump).")
final class BackupCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    @Mixin
    StoreOptions store;

    @Option(names = "--to", description = "Backup file (default: <data>/backups/tollgate-<UTC time>.db, or .dump for PostgreSQL). Must not exist.")
    Path to;

    @Option(names = "--print", description = "PostgreSQL: only print the pg_dump command, run nothing.")
    boolean print;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Settings settings = store.settings();
        String url = settings.storeUrl();
        boolean sqlite = Dialect.of(url) == Dialect.SQLITE;
        Path target = to != null ? to : settings.dataDir().resolve("backups")
                .resolve("tollgate-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + (sqlite ? ".db" : ".dump"));
        if (sqlite) {
            Path usage = dev.tollgate.usage.UsageStore.fileFor(url);
            Path usageTarget = dev.tollgate.usage.UsageStore.fileFor("jdbc:sqlite:" + target);
            boolean withUsage = usage != null && Files.exists(usage);
            if (withUsage && Files.exists(usageTarget)) {
                throw new IllegalArgumentException("backup target already exists: " + usageTarget + " (choose another --to)");
            }
            Backup.Written w = Backup.sqlite(url, target);
            System.out.println("backup written: " + w.file() + " (" + w.bytes() + " bytes, " + w.transfers()
                    + " ledger transfers, integrity ok)");
            // usage events and rollups have their own file (docs/analytics.md "Where events are stored")
            if (withUsage) {
                Backup.Written u = Backup.sqlite("jdbc:sqlite:" + usage, usageTarget);
                System.out.println("usage backup written: " + u.file() + " (" + u.bytes() + " bytes, integrity ok)");
            }
            System.out.println("restore: stop the server, copy it over " + Database.redact(url).substring("jdbc:sqlite:".length())
                    + (withUsage ? " and the usage backup over " + usage : "")
                    + " (remove the -wal and -shm files beside them), start the server");
            return 0;
        }
        Backup.PgDump dump = Backup.pgDump(url, target);
        if (print) {
            System.out.println(dump.shellLine());
            return 0;
        }
        ProcessBuilder pb = new ProcessBuilder(dump.command()).inheritIO();
        pb.environment().putAll(dump.environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            System.err.println("tollgate: pg_dump is not on the PATH; install the PostgreSQL client tools "
                    + "(same major version as the server) and run:\n  " + dump.shellLine());
            return Commands.FAILED;
        }
        int exit = p.waitFor();
        if (exit != 0) {
            System.err.println("tollgate: pg_dump failed (exit " + exit + "); the command was:\n  " + dump.shellLine());
            return Commands.FAILED;
        }
        System.out.println("backup written: " + target + " (pg_dump custom format; restore with pg_restore --dbname=...)");
        return 0;
    }
}
