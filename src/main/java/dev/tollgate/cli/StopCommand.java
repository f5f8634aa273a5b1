package dev.tollgate.cli;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.limits.stop.Stop;
import dev.tollgate.limits.stop.StopScope;
import dev.tollgate.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tollgate stop create|list|release}: emergency stops written straight to the store; running
 * gateways on that store apply them within {@value EmergencyStops#POLL_INTERVAL_MS} ms (their poll).
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Emergency stops: halt all traffic, or one provider's, account's or API key's.",
        subcommands = {StopCommand.Create.class, StopCommand.ListStops.class, StopCommand.Release.class})
final class StopCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Stop traffic now; prints the stop's id (for 'stop release').")
    static final class Create implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--scope", required = true, description = "global, provider, account or key.")
        String scope;

        @Option(names = "--id", description = "The provider name, account id or key id (not for global).")
        String id;

        @Option(names = "--reason", required = true, description = "Why; shown to every refused caller.")
        String reason;

        @Override
        public Integer call() {
            Settings settings = store.settings();
            try (Database db = Database.open(settings.storeUrl())) {
                EmergencyStops stops = open(db, settings.config());
                StopScope s = StopScope.parse(scope);
                EmergencyStops.Problem problem = stops.check(s, id, reason);
                if (problem != null) {
                    System.err.println("tollgate: " + problem.message().replace("'id'", "--id").replace("'reason'", "--reason")
                            .replace("'scope'", "--scope"));
                    return problem.notFound() ? 1 : 2;
                }
                System.out.println(stops.create(s, id, reason, "cli").id());
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the stops in force (with --all, released ones too): id, scope, subject, created, released, reason.")
    static final class ListStops implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--all", description = "Include released stops, newest first.")
        boolean all;

        @Override
        public Integer call() {
            Settings settings = store.settings();
            try (Database db = Database.open(settings.storeUrl())) {
                EmergencyStops stops = open(db, settings.config());
                List<Stop> found = all ? stops.all() : stops.active();
                for (Stop s : found) {
                    System.out.println(String.join("\t", s.id(), s.scope().wire(), s.subject() == null ? "-" : s.subject(),
                            Instant.ofEpochMilli(s.createdAtMs()).toString(),
                            s.releasedAtMs() == null ? "active" : "released " + Instant.ofEpochMilli(s.releasedAtMs()),
                            s.reason()));
                }
                return 0;
            }
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Release a stop: traffic flows again.")
    static final class Release implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            Settings settings = store.settings();
            try (Database db = Database.open(settings.storeUrl())) {
                if (open(db, settings.config()).release(id).isEmpty()) {
                    System.err.println("tollgate: no emergency stop with id '" + id + "'");
                    return 1;
                }
                System.out.println("released " + id);
                return 0;
            }
        }
    }

    /** Not started: the CLI writes and reads the store once; running gateways poll it. */
    private static EmergencyStops open(Database db, TollgateConfig config) {
        Set<String> providers = config.providers().stream().map(TollgateConfig.Provider::name).collect(Collectors.toSet());
        return new EmergencyStops(db, providers, Clock.systemUTC(), new SimpleMeterRegistry(), EmergencyStops.POLL_INTERVAL_MS);
    }
}
