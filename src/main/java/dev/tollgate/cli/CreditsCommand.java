package dev.tollgate.cli;

import dev.tollgate.account.Account;
import dev.tollgate.account.Accounts;
import dev.tollgate.ledger.IdempotencyConflictException;
import dev.tollgate.ledger.InsufficientCreditsException;
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

@Command(mixinStandardHelpOptions = true, name = "credits", description = "Manage prepaid credits.", subcommands = CreditsCommand.Grant.class)
final class CreditsCommand {

    @Command(mixinStandardHelpOptions = true, name = "grant", description = "Add credits to an account (negative AMOUNT removes them); prints the new balance.")
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
            long micros = Micros.of(amount, "AMOUNT", true);
            if (micros == 0) throw new IllegalArgumentException("AMOUNT must not be zero");
            try (Database db = Database.open(store.settings().storeUrl());
                 Ledger ledger = new Ledger(db, Clock.systemUTC(), LedgerOptions.defaults())) {
                Account a = new Accounts(db, Clock.systemUTC(), Duration.ZERO).findByIdOrName(account).orElse(null);
                if (a == null) return KeysCommand.noSuchAccount(account);
                String id = idempotencyKey != null ? "cli:" + a.id() + ":" + idempotencyKey
                        : "cli:" + dev.tollgate.http.RequestIds.newLedgerId();
                long balance;
                try {
                    balance = ledger.grant(id, a.id(), micros, reason);
                } catch (InsufficientCreditsException e) {
                    System.err.println("tollgate: cannot remove " + Cost.toCredits(-micros) + " credits: account '" + a.name()
                            + "' has " + Cost.toCredits(Math.max(0, e.availableMicros())) + " available");
                    return Commands.FAILED;
                } catch (IdempotencyConflictException e) {
                    System.err.println("tollgate: --idempotency-key '" + idempotencyKey
                            + "' was already used with another amount or reason; use a new key");
                    return Commands.FAILED;
                }
                System.out.println(Cost.toCredits(balance));
                return 0;
            }
        }
    }
}
