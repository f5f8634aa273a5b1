package dev.tollgate.cli;

import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import dev.tollgate.ledger.VerifyReport;
import dev.tollgate.store.Database;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(mixinStandardHelpOptions = true, name = "ledger", description = "Inspect the ledger.", subcommands = LedgerCommand.Verify.class)
final class LedgerCommand {

    @Command(mixinStandardHelpOptions = true, name = "verify", description = "Check every ledger invariant; exit 0 iff all hold.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Database db = Database.open(store.settings().storeUrl());
                 Ledger ledger = new Ledger(db, Clock.systemUTC(), LedgerOptions.defaults())) {
                VerifyReport r = ledger.verify();
                System.out.println((r.ok() ? "ok" : "FAILED") + ": " + r.transfers() + " transfers, " + r.accounts()
                        + " accounts, " + r.holds() + " holds (" + r.openHolds() + " open), " + r.problemCount() + " problems");
                r.problems().forEach(p -> System.out.println("  " + p));
                return r.ok() ? 0 : 1;
            }
        }
    }
}
