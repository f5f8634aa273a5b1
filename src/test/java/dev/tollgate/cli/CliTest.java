package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.account.Accounts;
import dev.tollgate.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI commands against a real store, as an operator would run them. */
class CliTest {
    @TempDir
    Path data;

    String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            int code = Commands.commandLine().execute(args);
            assertThat(code).as(String.join(" ", args)).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString().trim();
    }

    @Test
    void accountsAndKeysCreatedByTheCliAuthenticate() {
        String id = run("accounts", "create", "acme", "--plan", "pro", "--data", data.toString());
        assertThat(id).startsWith("acct_");
        String byName = run("keys", "create", "acme", "--name", "ci", "--rpm", "30", "--data", data.toString());
        String byId = run("keys", "create", id, "--data", data.toString());
        assertThat(byName).matches("tg-[A-Za-z0-9_-]{43}");
        try (Database db = Database.open("jdbc:sqlite:" + data.resolve("tollgate.db"))) {
            Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
            assertThat(accounts.authenticate(byName).orElseThrow().rpm()).isEqualTo(30);
            assertThat(accounts.authenticate(byId).orElseThrow().accountId()).isEqualTo(id);
        }
    }

    @Test
    void unknownAccountFails() {
        int code = Commands.commandLine().execute("keys", "create", "ghost", "--data", data.toString());
        assertThat(code).isEqualTo(1);
    }

    @Test
    void configFlagSelectsTheStore() throws Exception {
        Path config = data.resolve("c.yaml");
        Files.writeString(config, "store: jdbc:sqlite:" + data.resolve("other.db") + "\n");
        run("accounts", "create", "elsewhere", "--config", config.toString(), "--data", data.toString());
        assertThat(data.resolve("other.db")).exists();
        assertThat(data.resolve("tollgate.db")).doesNotExist();
    }

    @Test
    void adminTokenIsGeneratedOnceAndKept() {
        AdminToken.Token first = AdminToken.resolve(java.util.Map.of(), data);
        AdminToken.Token again = AdminToken.resolve(java.util.Map.of(), data);
        assertThat(first.generated()).isTrue();
        assertThat(again.generated()).isFalse();
        assertThat(again.value()).isEqualTo(first.value());
        assertThat(AdminToken.resolve(java.util.Map.of("TOLLGATE_ADMIN_TOKEN", "from-env"), data).value()).isEqualTo("from-env");
    }

    @Test
    void settingsPreferFlagsThenEnvironment() {
        var env = java.util.Map.of("TOLLGATE_DATA", data.resolve("env").toString(), "TOLLGATE_DB_URL", "jdbc:sqlite:/tmp/x.db",
                "TOLLGATE_PORT", "9999");
        Settings s = Settings.resolve(null, null, env);
        assertThat(s.demo()).isTrue();
        assertThat(s.dataDir()).isEqualTo(data.resolve("env"));
        assertThat(s.storeUrl()).isEqualTo("jdbc:sqlite:/tmp/x.db");
        assertThat(Settings.port(null, env)).isEqualTo(9999);
        assertThat(Settings.port(1234, env)).isEqualTo(1234);
        assertThat(Settings.resolve(null, data, java.util.Map.of()).storeUrl()).isEqualTo("jdbc:sqlite:" + data.resolve("tollgate.db"));
    }
}
