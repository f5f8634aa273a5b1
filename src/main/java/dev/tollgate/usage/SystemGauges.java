package dev.tollgate.usage;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.routing.health.ProviderHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * Meters read when Prometheus scrapes, not counted per request: circuit-breaker state per deployment,
 * the ledger's group commits (batches, operations, commit time) and its open holds.
 */
public final class SystemGauges {
    private SystemGauges() {}

    public static void register(MeterRegistry metrics, TollgateConfig config, ProviderHealth health, Ledger ledger) {
        for (TollgateConfig.Model m : config.models()) {
            Gauge.builder("tollgate.breaker.state", health, h -> breakerState(h, m.name()))
                    .description("Circuit breaker per deployment: 0 closed, 1 half-open, 2 open")
                    .tag("provider", m.provider()).tag("model", m.name()).register(metrics);
        }
        FunctionCounter.builder("tollgate.ledger.batches", ledger, Ledger::batchesCommitted)
                .description("Ledger transactions committed (group commits)").register(metrics);
        FunctionCounter.builder("tollgate.ledger.operations", ledger, Ledger::operationsCommitted)
                .description("Ledger operations committed; ÷ batches = mean batch size").register(metrics);
        FunctionTimer.builder("tollgate.ledger.commit", ledger, Ledger::batchesCommitted, Ledger::commitNanos,
                TimeUnit.NANOSECONDS).description("Time to apply and commit ledger batches").register(metrics);
        Gauge.builder("tollgate.ledger.holds.open", ledger, SystemGauges::openHolds)
                .description("Credit holds open now").register(metrics);
    }

    private static double breakerState(ProviderHealth health, String model) {
        return switch (health.breakerState(model)) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }

    private static double openHolds(Ledger ledger) {
        try {
            return ledger.openHolds();
        } catch (RuntimeException e) {
            return Double.NaN; // the store is down: say "unknown", do not fail the scrape
        }
    }
}
