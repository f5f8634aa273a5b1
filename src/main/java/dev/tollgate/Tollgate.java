package dev.tollgate;

import dev.tollgate.bench.MockUpstream;
import dev.tollgate.cli.Commands;
import picocli.CommandLine;

/** The command line: serve, accounts, keys, and helpers for benchmarks. */
public final class Tollgate {
    private Tollgate() {}

    public static void main(String[] args) {
        quietLibraries();
        CommandLine cli = Commands.commandLine(MockUpstream.Command.class); // errors: one line, exit != 0
        int code = cli.execute(args);
        if (code != 0 || args.length == 0 || !args[0].equals("serve")) System.exit(code);
    }

    /** Held strongly: JUL keeps loggers weakly, and a collected logger forgets its level. */
    private static final java.util.List<java.util.logging.Logger> QUIETED = new java.util.ArrayList<>();

    /** Library start-up chatter hides the lines an operator needs (listen address, admin token). */
    private static void quietLibraries() {
        String level = System.getenv().getOrDefault("TOLLGATE_LIBRARY_LOG_LEVEL", "WARNING");
        for (String name : new String[] {"io.helidon", "com.zaxxer.hikari"}) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
            logger.setLevel(java.util.logging.Level.parse(level));
            QUIETED.add(logger);
        }
    }
}
