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

@Command(name = "keys", description = "Manage API keys.", subcommands = KeysCommand.Create.class)
final class KeysCommand {

    @Command(name = "create", description = "Create an API key for an account (id or unique name); prints the key once.")
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
                System.err.println("--rpm and --tpm must be positive");
                return 2;
            }
            try (Database db = Database.open(store.settings().storeUrl())) {
                Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
                Account a = accounts.findByIdOrName(account).orElse(null);
                if (a == null) {
                    System.err.println("no account with id or unique name '" + account + "'");
                    return 1;
                }
                System.out.println(accounts.createKey(a.id(), name, rpm, tpm).secret());
                return 0;
            }
        }
    }
}
