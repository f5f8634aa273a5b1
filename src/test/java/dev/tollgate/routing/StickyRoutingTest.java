package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sticky routing (docs/routing.md "Sticky routing"): one model on two providers, each its own fake upstream.
 * The same key lands on the same deployment every time, different keys spread, a failing deployment falls
 * over to the other, and explicit orderings win over stickiness.
 */
class StickyRoutingTest {
    @TempDir
    Path dir;
    FakeOpenAi alphaUp;
    FakeOpenAi betaUp;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        alphaUp = new FakeOpenAi();
        betaUp = new FakeOpenAi();
        String yaml = """
                limits: { default_rpm: 0 }
                routing:
                  sticky: true
                  retries: { max_attempts: 1 }
                providers:
                  - { name: alpha, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                  - { name: beta, type: openai, base_url: "BETA_URL", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: a-sw, provider: alpha, upstream: switch, price: { input: 1, output: 2 } }
                  - { name: b-sw, provider: beta, upstream: switch, price: { input: 1, output: 2 } }
                  - { name: b-sw-cheap, provider: beta, upstream: switch, price: { input: 0.5, output: 1 } }
                aliases:
                  pool: [a-sw, b-sw]
                  priced: [a-sw, b-sw-cheap]
                """.replace("BETA_URL", betaUp.baseUrl());
        gw = TestGateway.start(dir, yaml, alphaUp.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        alphaUp.close();
        betaUp.close();
    }

    HttpResponse<String> chat(String model, String extra, String system, String user) {
        String messages = (system == null ? "" : "{\"role\":\"system\",\"content\":\"" + system + "\"},")
                + "{\"role\":\"user\",\"content\":\"" + user + "\"}";
        HttpResponse<String> res = gw.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\"" + extra + ",\"messages\":[" + messages + "]}", gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res;
    }

    String byUser(String model, String user) {
        return provider(chat(model, ",\"user\":\"" + user + "\"", null, "hello"));
    }

    static String provider(HttpResponse<String> res) {
        return res.headers().firstValue("x-tollgate-provider").orElseThrow();
    }

    @Test
    void theSameKeyAlwaysLandsOnTheSameDeployment() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 25; i++) seen.add(byUser("pool", "alice"));
        assertThat(seen).hasSize(1);

        // no user: the conversation's start is the key, whatever follows it
        Set<String> byPrefix = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            byPrefix.add(provider(chat("pool", "", "You are a tax advisor.",
                    "My question.\"},{\"role\":\"assistant\",\"content\":\"Yes?\"},{\"role\":\"user\",\"content\":\"turn " + i)));
        }
        assertThat(byPrefix).hasSize(1);

        // x-tollgate-user names the same end user as the body's user field
        String viaBody = byUser("pool", "bob");
        HttpRequest viaHeader = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + gw.key).header("x-tollgate-user", "bob")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"pool\",\"messages\":[{\"role\":\"user\",\"content\":\"other text\"}]}")).build();
        assertThat(provider(TestGateway.send(viaHeader))).isEqualTo(viaBody);
    }

    @Test
    void differentKeysSpreadOverTheDeployments() {
        int alpha = 0;
        int beta = 0;
        for (int u = 0; u < 24; u++) {
            String first = byUser("pool", "user-" + u);
            assertThat(byUser("pool", "user-" + u)).as("user-%d again", u).isEqualTo(first);
            if (first.equals("alpha")) alpha++;
            else beta++;
        }
        assertThat(alpha).as("alpha %d, beta %d", alpha, beta).isBetween(4, 20);
        assertThat(alphaUp.requests.size() + betaUp.requests.size()).isEqualTo(48);
    }

    @Test
    void aFailingDeploymentFallsOverAndTheKeyReturnsWhenItRecovers() {
        String user = null;
        for (int u = 0; user == null; u++) if (byUser("pool", "k" + u).equals("alpha")) user = "k" + u;
        alphaUp.switchFailing = true;
        HttpResponse<String> res = chat("pool", ",\"user\":\"" + user + "\"", null, "hello");
        assertThat(provider(res)).isEqualTo("beta");
        assertThat(res.headers().firstValue("x-tollgate-attempts")).hasValue("a-sw@alpha=server_error/500; b-sw@beta=ok");
        alphaUp.switchFailing = false;
        assertThat(byUser("pool", user)).isEqualTo("alpha");
    }

    @Test
    void offUnlessConfigured() throws Exception {
        gw.close();
        gw = TestGateway.start(java.nio.file.Files.createDirectories(dir.resolve("off")), """
                limits: { default_rpm: 0 }
                providers:
                  - { name: alpha, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                  - { name: beta, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: a-sw, provider: alpha, upstream: switch, price: { input: 1, output: 2 } }
                  - { name: b-sw, provider: beta, upstream: switch, price: { input: 1, output: 2 } }
                aliases:
                  pool: [a-sw, b-sw]
                """, alphaUp.baseUrl());
        for (int u = 0; u < 12; u++) assertThat(byUser("pool", "user-" + u)).isEqualTo("alpha");
    }

    @Test
    void explicitOrderingsWinOverStickiness() {
        String user = null;
        for (int u = 0; user == null; u++) if (byUser("pool", "k" + u).equals("alpha")) user = "k" + u;
        HttpResponse<String> ordered = chat("pool", ",\"user\":\"" + user + "\",\"provider\":{\"order\":[\"beta\"]}", null, "hi");
        assertThat(provider(ordered)).isEqualTo("beta");

        // different prices are not equals: the configured order (or price) decides, never the key
        for (int u = 0; u < 12; u++) assertThat(byUser("priced", "p" + u)).isEqualTo("alpha");
        for (int u = 0; u < 12; u++) {
            assertThat(provider(chat("priced", ",\"user\":\"p" + u + "\",\"prefer_cheap\":true", null, "hi"))).isEqualTo("beta");
        }
    }
}
