package dev.tollgate.cli;

import dev.tollgate.account.Account;
import dev.tollgate.store.Database;
import dev.tollgate.account.Accounts;
import dev.tollgate.billing.Funding;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "accounts", description = "Manage accounts.", subcommands = AccountsCommand.Create.class)
final class AccountsCommand {

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Create an account; prints its id.")
    static final class Create implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(index = "0", paramLabel = "NAME", description = "Unique account name.")
        String name;

        @Option(names = "--plan")
        String plan;

        @Option(names = "--credits", description = "Initial credits, granted in the same step.")
        java.math.BigDecimal credits;

        @Override
        public Integer call() {
            String problem = Accounts.nameProblem(name);
            if (problem != null) throw new IllegalArgumentException(problem + " (give a NAME such as acme)");
            long micros = credits == null ? 0 : Micros.of(credits, "--credits", false);
            try (Database db = Database.open(store.settings().storeUrl())) {
                Account a = new Accounts(db, Clock.systemUTC(), Duration.ZERO).create(name, plan);
                if (micros > 0) {
                    try (Ledger ledger = new Ledger(db, Clock.systemUTC(), LedgerOptions.defaults())) {
                        Funding.open(ledger, a.id(), micros, "initial credits");
                    }
                }
                System.out.println(a.id());
                return 0;
            }
        }
    }
}
