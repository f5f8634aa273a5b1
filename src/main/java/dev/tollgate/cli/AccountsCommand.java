package dev.tollgate.cli;

import dev.tollgate.account.Account;
import dev.tollgate.store.Database;
import dev.tollgate.account.Accounts;
import dev.tollgate.billing.Funding;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "accounts", description = "Manage accounts.",
        subcommands = {AccountsCommand.Create.class, AccountsCommand.Set.class})
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
            Settings settings = store.settings();
            LimitOptions.plan(plan, settings.config());
            try (Database db = Database.open(settings.storeUrl())) {
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

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set an account's plan and limit overrides (docs/limits.md); 'none' clears a value.")
    static final class Set implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "Account id or unique name.")
        String account;

        @Option(names = "--plan", description = "A plan from the config's plans section, or 'none'.")
        String plan;

        @Option(names = "--monthly-budget", paramLabel = "CREDITS", description = "Spend per calendar month (UTC).")
        String monthlyBudget;

        @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute for the account (0 = unlimited).")
        String rpm;

        @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute for the account (0 = unlimited).")
        String tpm;

        @Option(names = "--max-parallel", paramLabel = "N", description = "Requests in flight (0 = unlimited).")
        String maxParallel;

        @Override
        public Integer call() {
            Settings settings = store.settings();
            Map<String, Object> columns = new LinkedHashMap<>();
            if (plan != null) columns.put("plan", plan.equals("none") ? null : LimitOptions.plan(plan, settings.config()));
            LimitOptions.budget(columns, monthlyBudget);
            LimitOptions.limit(columns, "rpm", "--rpm", rpm);
            LimitOptions.limit(columns, "tpm", "--tpm", tpm);
            LimitOptions.limit(columns, "max_parallel", "--max-parallel", maxParallel);
            if (columns.isEmpty()) throw new IllegalArgumentException("nothing to set: give --plan, --monthly-budget, --rpm, --tpm or --max-parallel");
            try (Database db = Database.open(settings.storeUrl())) {
                Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
                Account a = accounts.findByIdOrName(account).orElse(null);
                if (a == null) {
                    System.err.println("tollgate: no account with id or unique name '" + account + "'");
                    return 1;
                }
                accounts.updateAccount(a.id(), columns);
                System.out.println(a.id());
                return 0;
            }
        }
    }
}
