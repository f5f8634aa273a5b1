package dev.tollgate.cli;

import dev.tollgate.Gateway;
import dev.tollgate.http.Readiness;
import io.helidon.webserver.WebServer;
import java.time.Duration;

/**
 * What {@code serve} does on SIGTERM (or Ctrl-C), in this order: answer {@code /ready} with 503 so
 * the load balancer stops sending; let the requests in flight finish — streams to their last chunk,
 * each settled in the ledger — for at most the drain timeout; stop the server; then close the
 * gateway, which commits the ledger's queued operations and flushes the usage, quota and alert
 * queues before the store closes. A request still running at the timeout is cut; its hold expires
 * like a crashed one's.
 */
final class GracefulStop {
    private GracefulStop() {}

    static void run(Gateway gateway, WebServer server, Duration drainTimeout) {
        Readiness readiness = gateway.readiness();
        readiness.drain();
        int inFlight = readiness.inFlight();
        if (inFlight > 0) {
            System.out.println("Tollgate stopping: draining " + inFlight + " request(s) in flight (up to "
                    + drainTimeout.toMillis() + " ms)");
        }
        boolean idle;
        try {
            idle = readiness.awaitIdle(drainTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (!idle) {
            System.out.println("Tollgate stopping: " + readiness.inFlight()
                    + " request(s) still in flight after the drain timeout are cut");
        }
        server.stop();
        gateway.close();
        System.out.println("Tollgate stopped");
    }
}
