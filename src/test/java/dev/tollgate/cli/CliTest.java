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

    record Outcome(int code, String out, String err) {}

    /** Runs a command as main would, capturing stdout, stderr and the exit code. */
    Outcome exec(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            picocli.CommandLine cli = Commands.commandLine();
            cli.setErr(new java.io.PrintWriter(System.err, true));
            int code = cli.execute(args);
            return new Outcome(code, out.toString().trim(), err.toString().trim());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Every CLI error is one line on stderr that says what to do, a non-zero exit, no stack trace or class name. */
    @Test
    void everyErrorIsOneLineWithANonZeroExit() {
        String d = data.toString();
        String id = run("accounts", "create", "acme", "--data", d);
        record Case(String[] args, String says) {}
        for (Case c : java.util.List.of(
                new Case(new String[] {"accounts", "create", "X", "--credits", "99999999999999", "--data", d}, "at most 1000000000"),
                new Case(new String[] {"accounts", "create", "Y", "--credits", "-1", "--data", d}, "must not be negative"),
                new Case(new String[] {"accounts", "create", "Z", "--credits", "0.0000001", "--data", d}, "6 decimal places"),
                new Case(new String[] {"accounts", "create", "", "--data", d}, "must not be empty"),
                new Case(new String[] {"accounts", "create", "  ", "--data", d}, "must not be empty"),
                new Case(new String[] {"accounts", "create", "acme", "--data", d}, "'acme' already exists"),
                new Case(new String[] {"credits", "grant", id, "-1000", "--data", d}, "cannot remove 1000 credits"),
                new Case(new String[] {"credits", "grant", id, "abc", "--data", d}, "'abc' is not a number"),
                new Case(new String[] {"credits", "grant", id, "0", "--data", d}, "must not be zero"),
                new Case(new String[] {"credits", "grant", id, "1e400", "--data", d}, "at most 1000000000"),
                new Case(new String[] {"credits", "grant", "ghost", "5", "--data", d}, "tollgate accounts create"),
                new Case(new String[] {"keys", "create", "acme", "--rpm", "-1", "--data", d}, "0 = unlimited"),
                new Case(new String[] {"keys", "create", "acme", "--rpm", "many", "--data", d}, "--help"),
                new Case(new String[] {"ledger", "verify", "--bogus", "--data", d}, "--help"),
                new Case(new String[] {"accounts"}, "subcommand"))) {
            Outcome o = exec(c.args());
            String what = String.join(" ", c.args());
            assertThat(o.code()).as(what).isNotZero();
            assertThat(o.err()).as(what).startsWith("tollgate: ").contains(c.says()).doesNotContain("\n")
                    .doesNotContain("Exception").doesNotContain("java.").doesNotContain("\tat ");
            assertThat(o.out()).as(what).isEmpty();
        }
        assertThat(run("credits", "grant", id, "25", "--data", d)).as("the store is fine afterwards").isEqualTo("25");
    }

    @Test
    void everyCommandAndSubcommandHasHelp() {
        for (String cmd : java.util.List.of("", "serve", "accounts", "accounts create", "keys", "keys create", "credits",
                "credits grant", "ledger", "ledger verify")) {
            String[] args = (cmd.isEmpty() ? "--help" : cmd + " --help").split(" ");
            Outcome o = exec(args);
            assertThat(o.code()).as(cmd).isZero();
            assertThat(o.out()).as(cmd).startsWith("Usage: tollgate" + (cmd.isEmpty() ? "" : " " + cmd));
        }
    }

    @Test
    void aDuplicateNameIsRefusedByTheCliAsByTheApi() {
        String id = run("accounts", "create", "acme", "--credits", "5", "--data", data.toString());
        Outcome dup = exec("accounts", "create", "acme", "--credits", "5", "--data", data.toString());
        assertThat(dup.code()).isEqualTo(1);
        assertThat(dup.err()).isEqualTo("tollgate: An account named 'acme' already exists; choose another name");
        assertThat(run("credits", "grant", "acme", "1", "--data", data.toString())).as("the name still means one account")
                .isEqualTo("6");
        assertThat(run("keys", "create", "acme", "--data", data.toString())).startsWith("tg-");
        assertThat(id).startsWith("acct_");
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
