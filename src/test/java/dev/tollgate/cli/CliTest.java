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

    @Test
    void accountsSetAndKeysCreateTakeLimits() throws Exception {
        Path config = data.resolve("plans.yaml");
        Files.writeString(config, """
                providers: [{ name: m, type: mock }]
                models: [{ name: small, provider: m, price: free }, { name: large, provider: m, price: free }]
                plans: { free: { rpm: 5 }, pro: {} }
                """);
        String c = config.toString();
        String id = run("accounts", "create", "acme", "--plan", "free", "--config", c, "--data", data.toString());
        assertThat(run("accounts", "set", "acme", "--plan", "pro", "--rpm", "7", "--tpm", "0", "--max-parallel", "3",
                "--monthly-budget", "12.5", "--config", c, "--data", data.toString())).isEqualTo(id);
        String key = run("keys", "create", id, "--max-parallel", "2", "--monthly-budget", "1.5", "--models", "small,large",
                "--config", c, "--data", data.toString());
        try (Database db = Database.open("jdbc:sqlite:" + data.resolve("tollgate.db"))) {
            Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
            var p = accounts.authenticate(key).orElseThrow();
            assertThat(p.plan()).isEqualTo("pro");
            assertThat(p.account()).isEqualTo(new dev.tollgate.account.LimitOverrides(7, 0, 3, 12_500_000L));
            assertThat(p.key()).isEqualTo(new dev.tollgate.account.LimitOverrides(null, null, 2, 1_500_000L));
            assertThat(p.keyModels()).containsExactly("small", "large");
        }
        run("accounts", "set", "acme", "--rpm", "none", "--plan", "none", "--config", c, "--data", data.toString());
        try (Database db = Database.open("jdbc:sqlite:" + data.resolve("tollgate.db"))) {
            var a = new Accounts(db, Clock.systemUTC(), Duration.ZERO).find(id).orElseThrow();
            assertThat(a.plan()).isNull();
            assertThat(a.limits().rpm()).isNull();
            assertThat(a.limits().tpm()).isZero();
        }
    }

    @Test
    void limitMistakesFailWithOneLine() throws Exception {
        Path config = data.resolve("plans.yaml");
        Files.writeString(config, "plans: { free: {} }\n");
        String c = config.toString();
        run("accounts", "create", "acme", "--config", c, "--data", data.toString());
        assertThat(fails("accounts", "set", "acme", "--plan", "gold", "--config", c, "--data", data.toString()))
                .isEqualTo("tollgate: no plan named 'gold' in " + c + " (plans: free)");
        assertThat(fails("accounts", "set", "acme", "--rpm", "-3", "--config", c, "--data", data.toString()))
                .isEqualTo("tollgate: --rpm must be a whole number (0 = unlimited) or 'none', got '-3'");
        assertThat(fails("accounts", "set", "acme", "--config", c, "--data", data.toString())).startsWith("tollgate: nothing to set");
        assertThat(fails("keys", "create", "acme", "--models", "gpt-9", "--config", c, "--data", data.toString()))
                .startsWith("tollgate: --models: no model or alias named 'gpt-9'");
        assertThat(Commands.commandLine().execute("accounts", "set", "ghost", "--rpm", "1", "--config", c,
                "--data", data.toString())).isEqualTo(1);
    }

    /** Runs with the same error handling as the launcher; returns the one line printed on stderr. */
    String fails(String... args) {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = Commands.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertThat(cli.execute(args)).as(String.join(" ", args)).isEqualTo(2);
        return err.toString().trim();
    }
}
