package dev.tollgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command tree. */
public final class Commands {
    private Commands() {}

    @Command(name = "tollgate", mixinStandardHelpOptions = true, version = "tollgate 0.1.0",
            description = "Self-hosted LLM gateway with prepaid credits.")
    static final class Root {
    }

    public static CommandLine commandLine(Class<?>... extra) {
        CommandLine cli = new CommandLine(new Root())
                .addSubcommand(new ServeCommand())
                .addSubcommand(new CommandLine(new AccountsCommand()))
                .addSubcommand(new CommandLine(new KeysCommand()))
                .addSubcommand(new CommandLine(new CreditsCommand()))
                .addSubcommand(new CommandLine(new LedgerCommand()))
                .addSubcommand(new CommandLine(new StopCommand())); // emergency stop
        for (Class<?> c : extra) cli.addSubcommand(c);
        return cli;
    }
}
