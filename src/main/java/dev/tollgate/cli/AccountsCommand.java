package dev.tollgate.cli;

import dev.tollgate.account.Account;
import dev.tollgate.store.Database;
import dev.tollgate.account.Accounts;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "accounts", description = "Manage accounts.", subcommands = AccountsCommand.Create.class)
final class AccountsCommand {

    @Command(name = "create", description = "Create an account; prints its id.")
    static final class Create implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--plan")
        String plan;

        @Override
        public Integer call() {
            try (Database db = Database.open(store.settings().storeUrl())) {
                Account a = new Accounts(db, Clock.systemUTC(), Duration.ZERO).create(name, plan);
                System.out.println(a.id());
                return 0;
            }
        }
    }
}
