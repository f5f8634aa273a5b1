package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import dev.tollgate.store.Backup;
import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate backup}: an online copy of the store that restores to the same, verified ledger. */
class BackupCommandTest {
    @TempDir
    Path dir;

    @Test
    void sqliteBackupWhileTheStoreIsOpenIsACompleteVerifiedCopy() throws Exception {
        Path data = dir.resolve("data");
        String id = CliRun.out("accounts", "create", "acme", "--credits", "25", "--data", data.toString());
        CliRun.out("credits", "grant", id, "5", "--data", data.toString());
        Path copyDir = dir.resolve("restored");
        try (Database live = Database.open("jdbc:sqlite:" + data.resolve("tollgate.db")); // the server's pool stays open
             var usage = new dev.tollgate.usage.UsageAnalytics(live, dev.tollgate.config.TollgateConfig.UsageSettings.DEFAULTS,
                     Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            assertThat(live.dialect()).isEqualTo(dev.tollgate.store.Dialect.SQLITE);
            String printed = CliRun.out("backup", "--to", copyDir.resolve("tollgate.db").toString(), "--data", data.toString());
            assertThat(printed).startsWith("backup written: " + copyDir.resolve("tollgate.db")).contains("2 ledger transfers, integrity ok")
                    .contains("usage backup written: " + copyDir.resolve("tollgate-usage.db"))
                    .contains("and the usage backup over " + data.resolve("tollgate-usage.db").toAbsolutePath());
        }
        assertThat(copyDir.resolve("tollgate-usage.db")).exists();
        assertThat(CliRun.out("ledger", "verify", "--data", copyDir.toString())).startsWith("ok: 2 transfers");
        try (Database copy = Database.open("jdbc:sqlite:" + copyDir.resolve("tollgate.db"));
             Ledger ledger = new Ledger(copy, Clock.systemUTC(), LedgerOptions.defaults())) {
            assertThat(ledger.balance(id).postedMicros()).isEqualTo(30_000_000L);
        }
    }

    @Test
    void aBackupNeverOverwritesAFile() throws Exception {
        Path data = dir.resolve("data");
        CliRun.out("accounts", "create", "acme", "--data", data.toString());
        Path existing = Files.writeString(dir.resolve("old.db"), "keep me");
        assertThat(Commands.commandLine().execute("backup", "--to", existing.toString(), "--data", data.toString())).isEqualTo(2);
        assertThat(Files.readString(existing)).isEqualTo("keep me");
    }

    @Test
    void postgresBackupIsPgDumpOfTheConfiguredDatabaseAndSchema() throws Exception {
        Backup.PgDump dump = Backup.pgDump("jdbc:postgresql://db.internal:6543/billing?user=tg&password=s3cret&currentSchema=prod",
                Path.of("/backups/x.dump"));
        assertThat(dump.command()).containsExactly("pg_dump", "--format=custom", "--file=/backups/x.dump",
                "--host=db.internal", "--port=6543", "--username=tg", "--schema=prod", "--dbname=billing");
        assertThat(dump.environment()).containsEntry("PGPASSWORD", "s3cret");
        assertThat(dump.shellLine()).startsWith("PGPASSWORD=... pg_dump").doesNotContain("s3cret");

        assumeTrue(onPath("pg_dump"), "pg_dump is installed with PostgreSQL here");
        String url = TestDatabases.postgresUrl();
        Path config = Files.writeString(dir.resolve("pg.yaml"), "store: " + url + "\n");
        CliRun.out("accounts", "create", "acme", "--credits", "7", "--config", config.toString());
        Path file = dir.resolve("pg.dump");
        assertThat(CliRun.out("backup", "--to", file.toString(), "--config", config.toString())).startsWith("backup written: " + file);
        Process list = new ProcessBuilder(List.of("pg_restore", "--list", file.toString())).redirectErrorStream(true).start();
        String toc = new String(list.getInputStream().readAllBytes());
        assertThat(list.waitFor()).isZero();
        assertThat(toc).contains("TABLE DATA").contains("ledger_transfers").contains("accounts");
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }
}
