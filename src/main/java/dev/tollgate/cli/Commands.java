package dev.tollgate.cli;

import dev.tollgate.account.AccountNameTakenException;
import dev.tollgate.config.ConfigException;
import dev.tollgate.http.ApiException;
import dev.tollgate.store.StoreException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command tree, and how it fails: every error is one line on stderr that says what to do, with a
 * non-zero exit code (2: the command line or an input is wrong; 1: the operation failed), and never a
 * stack trace or an exception's class name.
 */
public final class Commands {
    static final int USAGE = 2;
    static final int FAILED = 1;

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
                .addSubcommand(new CommandLine(new StopCommand())) // emergency stop
                .addSubcommand(new CommandLine(new BackupCommand())); // online backup (docs/operations.md)
        for (Class<?> c : extra) cli.addSubcommand(c);
        cli.registerConverter(BigDecimal.class, Commands::decimal);
        cli.setParameterExceptionHandler(Commands::badUsage);
        cli.setExecutionExceptionHandler(Commands::failed);
        return cli;
    }

    /** picocli's own message names BigDecimal and NumberFormatException; say what a number looks like. */
    private static BigDecimal decimal(String value) {
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number (examples: 25, 0.5, -10)");
        }
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("tollgate: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        cmd.getErr().flush();
        return USAGE;
    }

    private static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        int code = FAILED;
        String line;
        if (e instanceof ConfigException || e instanceof IllegalArgumentException || e instanceof ApiException) {
            code = USAGE;
            line = e.getMessage();
        } else if (e instanceof AccountNameTakenException || e instanceof IllegalStateException
                || e instanceof UncheckedIOException) {
            line = e.getMessage();
        } else if (e instanceof StoreException) {
            line = e.getMessage() + " (check --config, --data or TOLLGATE_DB_URL, and that the store is reachable)";
        } else {
            line = "unexpected failure: " + (e.getMessage() == null ? "no details" : e.getMessage())
                    + " (run again; if it persists, report it)";
        }
        cmd.getErr().println("tollgate: " + line);
        cmd.getErr().flush();
        return code;
    }
}
