package dev.tollgate.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.routing.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The observed figures: an exponentially weighted mean, and orderings that put the unobserved last, stably. */
class SpeedsTest {
    static Deployment d(String name) {
        return new Deployment(new TollgateConfig.Model(name, "p", name, TollgateConfig.Price.FREE, true, null), null);
    }

    @Test
    void figuresAreWeightedMeansAndEmptyOrInstantAnswersTeachNothing() {
        Speeds s = new Speeds();
        Deployment a = d("a");
        assertThat(s.latencyMs(a)).isNaN();
        s.latency(a, 100);
        s.latency(a, 200);
        assertThat(s.latencyMs(a)).isEqualTo(100 + Speeds.WEIGHT * 100);
        s.throughput(a, 0, 50);
        s.throughput(a, 10, 0);
        assertThat(s.tokensPerSecond(a)).isNaN();
        s.throughput(a, 50, 500);
        assertThat(s.tokensPerSecond(a)).isEqualTo(100.0);
        assertThat(s.latencyMs(a)).as("a throughput figure leaves latency alone").isEqualTo(120.0);
    }

    @Test
    void orderingsPutTheUnobservedLastKeepingTheirOrder() {
        Speeds s = new Speeds();
        Deployment a = d("a"), b = d("b"), c = d("c"), e = d("e");
        s.latency(b, 50);
        s.latency(c, 10);
        s.throughput(b, 100, 1000);
        s.throughput(c, 10, 1000);
        assertThat(s.fastestFirst(List.of(a, b, e, c))).containsExactly(c, b, a, e);
        assertThat(s.highestThroughputFirst(List.of(a, b, e, c))).containsExactly(b, c, a, e);
    }
}
