package dev.tollgate.cli;

import dev.tollgate.account.Account;
import dev.tollgate.account.Accounts;
import dev.tollgate.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "keys", description = "Manage API keys.", subcommands = KeysCommand.Create.class)
final class KeysCommand {

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Create an API key for an account (id or unique name); prints the key once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(index = "0", paramLabel = "ACCOUNT")
        String account;

        @Option(names = "--name")
        String name;

        @Option(names = "--rpm", description = "Requests per minute for this key.")
        Integer rpm;

        @Option(names = "--tpm", description = "Tokens per minute for this key.")
        Integer tpm;

        @Override
        public Integer call() {
            if ((rpm != null && rpm < 1) || (tpm != null && tpm < 1)) {
                throw new IllegalArgumentException("--rpm and --tpm must be positive whole numbers");
            }
            try (Database db = Database.open(store.settings().storeUrl())) {
                Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
                Account a = accounts.findByIdOrName(account).orElse(null);
                if (a == null) return noSuchAccount(account);
                System.out.println(accounts.createKey(a.id(), name, rpm, tpm).secret());
                return 0;
            }
        }
    }

    static int noSuchAccount(String account) {
        System.err.println("tollgate: no account with id or name '" + account + "' (create it with: tollgate accounts create NAME)");
        return Commands.FAILED;
    }
}
