package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provider.sort: latency | throughput} orders an alias's deployments by what this replica observed: before
 * any figure the configured order stands; after one stream to each, the faster deployment goes first.
 */
class SpeedSortTest {
    @TempDir
    static Path dir;
    static FakeOpenAi upstream;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: slowco, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                  - { name: fastco, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: slow, provider: slowco, upstream: pace-300, price: { input: 1, output: 2 } }
                  - { name: fast, provider: fastco, upstream: ok, price: { input: 1, output: 2 } }
                aliases:
                  either: [slow, fast]
                """, upstream.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    static String answeredBy(String model, String provider, boolean stream) {
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + (provider == null ? "" : ",\"provider\":" + provider) + "}",
                gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res.headers().firstValue("x-tollgate-model").orElseThrow();
    }

    @Test
    void theObservedFasterDeploymentGoesFirst() {
        // streamed, so every sample of slowco is paced: a non-streamed answer of pace-300 comes at once and would make
        // slowco look fast to the throughput figure (a flake under load)
        assertThat(answeredBy("either", "{\"sort\":\"latency\"}", true)).as("nothing observed: the configured order")
                .isEqualTo("slow");
        answeredBy("fast", null, false); // warms fastco's connection: a first call's set-up is not the provider's speed
        answeredBy("slow", null, true);
        answeredBy("fast", null, true);
        assertThat(answeredBy("either", null, true)).as("no sort: the configured order").isEqualTo("slow");
        assertThat(answeredBy("either", "{\"sort\":\"latency\"}", false)).isEqualTo("fast");
        assertThat(answeredBy("either", "{\"sort\":\"throughput\"}", true)).isEqualTo("fast");
        assertThat(answeredBy("either", "{\"sort\":\"price\"}", false)).as("equal prices: the configured order").isEqualTo("slow");
    }
}
