package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Runs a CLI command in this JVM as main would, and returns what it printed; fails the test on a non-zero exit. */
final class CliRun {
    private CliRun() {}

    static String out(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true));
        int code;
        try {
            code = Commands.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        assertThat(code).as(String.join(" ", args) + " printed: " + out).isZero();
        return out.toString().trim();
    }
}
