package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate stop create|list|release} on the store a running gateway uses. */
class StopCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int code = Commands.commandLine().execute(args);
            return new Run(code, out.toString().trim(), err.toString().trim());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static long msUntilStatus(TestGateway gw, int status) throws InterruptedException {
        long t0 = System.nanoTime();
        while (gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode() != status) {
            assertThat((System.nanoTime() - t0) / 1_000_000).as("waiting for %d", status).isLessThan(1_000);
            Thread.sleep(20);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void createListReleaseRoundTripAgainstARunningGateway() throws Exception {
        Path config = dir.resolve("cli.yaml");
        try (FakeOpenAi upstream = new FakeOpenAi();
             TestGateway gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), upstream.baseUrl())) {
            Files.writeString(config, "store: jdbc:sqlite:" + dir.resolve("tollgate.db") + "\n"
                    + Files.readString(dir.resolve("tollgate.yaml")).replace("${UPSTREAM}", upstream.baseUrl()));
            String[] store = {"--config", config.toString()};

            Run created = run(concat(new String[] {"stop", "create", "--scope", "account", "--id", gw.accountId,
                    "--reason", "card declined"}, store));
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out()).startsWith("stop_");
            msUntilStatus(gw, 503); // the gateway picks it up from the store within a poll

            Run list = run(concat(new String[] {"stop", "list"}, store));
            assertThat(list.out()).contains(created.out()).contains("account").contains(gw.accountId).contains("card declined");

            Run released = run(concat(new String[] {"stop", "release", created.out()}, store));
            assertThat(released.code()).isZero();
            msUntilStatus(gw, 200);
            assertThat(run(concat(new String[] {"stop", "list"}, store)).out()).isEmpty();
            assertThat(run(concat(new String[] {"stop", "list", "--all"}, store)).out()).contains("released");

            Run unknownProvider = run(concat(new String[] {"stop", "create", "--scope", "provider", "--id", "nope",
                    "--reason", "x"}, store));
            assertThat(unknownProvider.code()).isEqualTo(2);
            assertThat(unknownProvider.err()).isEqualTo("tollgate: no configured provider named 'nope' (configured: fake)");
            Run unknownAccount = run(concat(new String[] {"stop", "create", "--scope", "account", "--id", "acct_nope",
                    "--reason", "x"}, store));
            assertThat(unknownAccount.code()).isEqualTo(1);
            assertThat(unknownAccount.err()).isEqualTo("tollgate: no account with id 'acct_nope'");
            Run unknownStop = run(concat(new String[] {"stop", "release", "stop_nope"}, store));
            assertThat(unknownStop.code()).isEqualTo(1);
            assertThat(unknownStop.err()).isEqualTo("tollgate: no emergency stop with id 'stop_nope'");
            Run help = run("stop", "create", "--help");
            assertThat(help.code()).isZero();
            assertThat(help.out()).contains("--scope").contains("--reason").contains("--id");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
