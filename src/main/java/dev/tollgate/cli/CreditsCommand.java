package dev.tollgate.cli;

import dev.tollgate.account.Account;
import dev.tollgate.account.Accounts;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import dev.tollgate.metering.Cost;
import dev.tollgate.store.Database;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "credits", description = "Manage prepaid credits.", subcommands = CreditsCommand.Grant.class)
final class CreditsCommand {

    @Command(name = "grant", description = "Add credits to an account (negative AMOUNT removes them); prints the new balance.")
    static final class Grant implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "Account id or unique name.")
        String account;

        @Parameters(index = "1", paramLabel = "AMOUNT", description = "Credits, up to 6 decimals.")
        BigDecimal amount;

        @Option(names = "--reason")
        String reason;

        @Option(names = "--idempotency-key", description = "Makes a retry of this grant a no-op.")
        String idempotencyKey;

        @Override
        public Integer call() {
            long micros = Micros.of(amount);
            try (Database db = Database.open(store.settings().storeUrl());
                 Ledger ledger = new Ledger(db, Clock.systemUTC(), LedgerOptions.defaults())) {
                Account a = new Accounts(db, Clock.systemUTC(), Duration.ZERO).findByIdOrName(account).orElse(null);
                if (a == null) {
                    System.err.println("no account with id or unique name '" + account + "'");
                    return 1;
                }
                String id = idempotencyKey != null ? "cli:" + a.id() + ":" + idempotencyKey
                        : "cli:" + dev.tollgate.http.RequestIds.newLedgerId();
                long balance = ledger.grant(id, a.id(), micros, reason);
                System.out.println(Cost.toCredits(balance));
                return 0;
            }
        }
    }
}
