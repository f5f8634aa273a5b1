package dev.tollgate.cli;

import dev.tollgate.Gateway;
import dev.tollgate.account.Account;
import dev.tollgate.account.Accounts;
import dev.tollgate.http.TollgateServer;
import dev.tollgate.store.Database;
import io.helidon.webserver.WebServer;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "serve", description = "Start the gateway (the demo when no config is given).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--port", description = "Port to listen on (default: $TOLLGATE_PORT or 8080).")
    Integer port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--drain-timeout-ms", description = "On SIGTERM, how long to wait for requests in flight "
            + "(streams included) before stopping (default: $TOLLGATE_DRAIN_TIMEOUT_MS or 30000).")
    Long drainTimeoutMs;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = store.settings();
        AdminToken.Token admin = AdminToken.resolve(System.getenv(), settings.dataDir());
        Gateway gateway = Gateway.open(settings.config(), settings.storeUrl(), Clock.systemUTC());
        int listenPort = Settings.port(port, System.getenv());
        WebServer server = TollgateServer.start(gateway, host, listenPort, admin.value());
        String base = "http://" + host + ":" + server.port();
        System.out.println("Tollgate listening on " + base + " (store: " + Database.redact(settings.storeUrl())
                + ", config: " + settings.config().source() + ")");
        if (admin.generated()) {
            System.out.println("Admin token (shown once; stored in " + settings.dataDir().resolve("admin-token") + "): " + admin.value());
        }
        if (settings.demo()) printDemoKeyOnce(gateway, base);
        CountDownLatch stopped = new CountDownLatch(1);
        java.time.Duration drain = java.time.Duration.ofMillis(drainTimeoutMs(drainTimeoutMs, System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            GracefulStop.run(gateway, server, drain);
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    static long drainTimeoutMs(Long option, java.util.Map<String, String> env) {
        if (option != null) return Math.max(0, option);
        String v = env.get("TOLLGATE_DRAIN_TIMEOUT_MS");
        if (v == null || v.isBlank()) return 30_000;
        try {
            return Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TOLLGATE_DRAIN_TIMEOUT_MS must be a number of milliseconds: '" + v + "'");
        }
    }

    /** The demo account and its key are created at the first start only; the key is never shown again. */
    private static void printDemoKeyOnce(Gateway gateway, String base) {
        Accounts accounts = gateway.accounts();
        if (accounts.findByIdOrName(DemoAccount.NAME).isPresent()) return;
        Account account = accounts.create(DemoAccount.NAME, null);
        dev.tollgate.billing.Funding.open(gateway.ledger(), account.id(), DemoAccount.CREDITS_MICROS, "demo credits");
        Accounts.CreatedKey created = accounts.createKey(account.id(), "demo", null, null);
        // the demo key may manage its account's keys, so the dashboard's Keys page works out of the box
        new dev.tollgate.account.KeyRights(gateway.database(), gateway.clock())
                .set(created.id(), true, dev.tollgate.account.KeyRights.ADMIN);
        String key = created.secret();
        System.out.println();
        System.out.println("Demo account '" + DemoAccount.NAME + "' (" + account.id() + ") created with "
                + dev.tollgate.metering.Cost.toCredits(DemoAccount.CREDITS_MICROS) + " credits. Its API key (shown once):");
        System.out.println("  " + key);
        System.out.println("Try it:");
        System.out.println("  curl " + base + "/v1/chat/completions -H 'Authorization: Bearer " + key + "' \\");
        System.out.println("    -H 'Content-Type: application/json' \\");
        System.out.println("    -d '{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'");
        System.out.println();
    }
}
