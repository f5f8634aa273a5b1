package dev.tollgate.cli;

import dev.tollgate.account.Account;
import dev.tollgate.account.Accounts;
import dev.tollgate.account.LimitOverrides;
import dev.tollgate.config.TollgateConfig;
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

        @Option(names = "--max-parallel", paramLabel = "N", description = "Requests in flight for this key.")
        Integer maxParallel;

        @Option(names = "--monthly-budget", paramLabel = "CREDITS", description = "Spend per calendar month (UTC) for this key.")
        String monthlyBudget;

        @Option(names = "--models", split = ",", paramLabel = "MODEL", description = "Allowed public models or aliases (default: all).")
        java.util.List<String> models;

        @Override
        public Integer call() {
            if ((rpm != null && rpm < 0) || (tpm != null && tpm < 0) || (maxParallel != null && maxParallel < 0)) {
                throw new IllegalArgumentException("--rpm, --tpm and --max-parallel must be whole numbers (0 = unlimited)");
            }
            java.util.Map<String, Object> budget = new java.util.HashMap<>();
            LimitOptions.budget(budget, monthlyBudget);
            Settings settings = store.settings();
            java.util.Set<String> allowed = models == null ? null : knownModels(models, settings.config());
            try (Database db = Database.open(settings.storeUrl())) {
                Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
                Account a = accounts.findByIdOrName(account).orElse(null);
                if (a == null) return noSuchAccount(account);
                LimitOverrides limits = new LimitOverrides(rpm, tpm, maxParallel, (Long) budget.get("monthly_budget"));
                System.out.println(accounts.createKeyWithLimits(a.id(), name, limits, allowed).secret());
                return 0;
            }
        }

        private static java.util.Set<String> knownModels(java.util.List<String> models, TollgateConfig config) {
            java.util.Set<String> out = new java.util.LinkedHashSet<>();
            for (String m : models) {
                boolean known = config.aliases().containsKey(m) || m.equals("auto")
                        || config.models().stream().anyMatch(model -> model.name().equals(m));
                if (!known) throw new IllegalArgumentException("--models: no model or alias named '" + m + "' in " + config.source());
                out.add(m);
            }
            return out;
        }
    }

    static int noSuchAccount(String account) {
        System.err.println("tollgate: no account with id or name '" + account + "' (create it with: tollgate accounts create NAME)");
        return Commands.FAILED;
    }
}
