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

        @Option(names = "--credits", description = "Initial credits, granted in the same step.")
        java.math.BigDecimal credits;

        @Override
        public Integer call() {
            long micros = credits == null || credits.signum() == 0 ? 0 : Micros.of(credits);
            if (micros < 0) throw new IllegalArgumentException("--credits must not be negative");
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
