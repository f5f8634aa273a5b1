package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request's {@code provider} object (docs/routing.md "Provider preferences") end to end: two providers,
 * each its own fake upstream, so which one was called is counted, not inferred.
 */
class ProviderPrefsTest {
    static final ObjectMapper JSON = new ObjectMapper();

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
                  retries: { max_attempts: 1 }
                providers:
                  - { name: alpha, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                  - { name: beta, type: openai, base_url: "BETA_URL", api_key: sk-test-provider-key-1234567890 }
                  - { name: gamma, type: openai, base_url: "BETA_URL", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: a-ok, provider: alpha, upstream: ok, price: { input: 1, output: 2 } }
                  - { name: b-ok, provider: beta, upstream: ok, price: { input: 1, output: 2 } }
                  - { name: b-cheap, provider: beta, upstream: ok, price: { input: 0.5, output: 1 } }
                  - { name: a-fail, provider: alpha, upstream: fail-500, price: { input: 1, output: 2 } }
                aliases:
                  both: [a-ok, b-ok]
                  mixed: [a-ok, b-cheap]
                  failover: [a-fail, b-ok]
                """.replace("BETA_URL", betaUp.baseUrl());
        gw = TestGateway.start(dir, yaml, alphaUp.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        alphaUp.close();
        betaUp.close();
    }

    HttpResponse<String> chat(String model, String provider) {
        return gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"provider\":" + provider
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}", gw.key);
    }

    static String attempts(HttpResponse<String> res) {
        return res.headers().firstValue("x-tollgate-attempts").orElse(null);
    }

    static String provider(HttpResponse<String> res) {
        return res.headers().firstValue("x-tollgate-provider").orElse(null);
    }

    @Test
    void orderTriesTheNamedProvidersFirstAndTheFieldNeverReachesTheProvider() throws Exception {
        HttpResponse<String> res = chat("both", "{\"order\":[\"beta\"]}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(provider(res)).isEqualTo("beta");
        assertThat(attempts(res)).isEqualTo("b-ok@beta=ok");
        assertThat(alphaUp.requests).isEmpty();
        assertThat(betaUp.requests).hasSize(1);
        assertThat(betaUp.requests.get(0).has("provider")).isFalse();

        HttpResponse<String> plain = chat("both", "{}");
        assertThat(provider(plain)).as("without an order the configured one holds").isEqualTo("alpha");
    }

    @Test
    void onlyAndIgnoreTakeProvidersOutAndTheHeaderSaysWhy() {
        HttpResponse<String> only = chat("both", "{\"only\":[\"beta\"]}");
        assertThat(only.statusCode()).as(only.body()).isEqualTo(200);
        assertThat(attempts(only)).isEqualTo("a-ok@alpha=skip:provider_not_allowed; b-ok@beta=ok");

        HttpResponse<String> ignore = chat("both", "{\"ignore\":[\"alpha\"]}");
        assertThat(ignore.statusCode()).isEqualTo(200);
        assertThat(attempts(ignore)).isEqualTo("a-ok@alpha=skip:provider_ignored; b-ok@beta=ok");
        assertThat(alphaUp.requests).isEmpty();

        HttpResponse<String> none = chat("both", "{\"ignore\":[\"alpha\",\"beta\"]}");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("provider preferences").contains("a-ok@alpha: provider_ignored")
                .contains("b-ok@beta: provider_ignored");
    }

    @Test
    void withoutFallbacksOnlyTheFirstCandidateIsCalled() {
        HttpResponse<String> res = chat("failover", "{\"allow_fallbacks\":false}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(502);
        assertThat(attempts(res)).isEqualTo("b-ok@beta=skip:no_fallbacks; a-fail@alpha=server_error/500");
        assertThat(betaUp.requests).isEmpty();

        HttpResponse<String> fallback = chat("failover", "{\"allow_fallbacks\":true}");
        assertThat(fallback.statusCode()).isEqualTo(200);
        assertThat(provider(fallback)).isEqualTo("beta");
    }

    @Test
    void withoutFallbacksAndAnOrderOnlyTheOrderedProvidersAreCalled() {
        HttpResponse<String> res = chat("both", "{\"order\":[\"beta\"],\"allow_fallbacks\":false}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(attempts(res)).isEqualTo("a-ok@alpha=skip:no_fallbacks; b-ok@beta=ok");

        HttpResponse<String> none = chat("both", "{\"order\":[\"gamma\"],\"allow_fallbacks\":false}");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("a-ok@alpha: no_fallbacks").contains("b-ok@beta: no_fallbacks");
        assertThat(alphaUp.requests).isEmpty();
    }

    @Test
    void sortByPriceIsPreferCheapAndUnknownSortsAreRefused() throws Exception {
        assertThat(provider(chat("mixed", "{}"))).isEqualTo("alpha");
        HttpResponse<String> cheap = chat("mixed", "{\"sort\":\"price\"}");
        assertThat(cheap.statusCode()).isEqualTo(200);
        assertThat(cheap.headers().firstValue("x-tollgate-model")).hasValue("b-cheap");

        HttpResponse<String> res = chat("mixed", "{\"sort\":\"vibes\"}");
        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("param").asText()).isEqualTo("provider.sort");
        assertThat(error.path("message").asText()).contains("'price', 'latency' or 'throughput'").contains("vibes");
    }

    @Test
    void maxPriceDropsDearerCandidates() {
        HttpResponse<String> res = chat("mixed", "{\"max_price\":{\"prompt\":0.6}}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(attempts(res)).isEqualTo("a-ok@alpha=skip:max_price; b-cheap@beta=ok");

        HttpResponse<String> completion = chat("mixed", "{\"max_price\":{\"completion\":1.5}}");
        assertThat(attempts(completion)).isEqualTo("a-ok@alpha=skip:max_price; b-cheap@beta=ok");

        HttpResponse<String> none = chat("mixed", "{\"max_price\":{\"prompt\":0.1,\"completion\":100}}");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("a-ok@alpha: max_price").contains("b-cheap@beta: max_price");
        assertThat(alphaUp.requests).as("alpha was dearer in every request").isEmpty();
    }

    @Test
    void unknownProviderNamesAndWrongShapesAre400() throws Exception {
        HttpResponse<String> res = chat("both", "{\"order\":[\"beta\",\"nope\"],\"ignore\":[\"zeta\"]}");
        assertThat(res.statusCode()).isEqualTo(400);
        String message = JSON.readTree(res.body()).path("error").path("message").asText();
        assertThat(message).contains("Unknown providers in 'provider': nope, zeta").contains("configured: alpha, beta, gamma");

        assertThat(chat("both", "\"beta\"").statusCode()).isEqualTo(400);
        assertThat(chat("both", "{\"order\":\"beta\"}").statusCode()).isEqualTo(400);
        assertThat(chat("both", "{\"allow_fallbacks\":\"no\"}").statusCode()).isEqualTo(400);
        assertThat(chat("both", "{\"max_price\":{\"prompt\":-1}}").statusCode()).isEqualTo(400);
        assertThat(chat("both", "{\"data_collection\":\"deny\"}").body()).contains("provider.data_collection");
        assertThat(alphaUp.requests).isEmpty();
        assertThat(betaUp.requests).isEmpty();
    }

    @Test
    void messagesAndResponsesHonourAndStripTheField() {
        HttpResponse<String> messages = gw.post("/v1/messages", "{\"model\":\"both\",\"max_tokens\":20,"
                + "\"provider\":{\"only\":[\"beta\"]},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
        assertThat(messages.statusCode()).as(messages.body()).isEqualTo(200);
        assertThat(attempts(messages)).isEqualTo("a-ok@alpha=skip:provider_not_allowed; b-ok@beta=ok");

        HttpResponse<String> responses = gw.post("/v1/responses", "{\"model\":\"both\",\"input\":\"hi\","
                + "\"provider\":{\"order\":[\"beta\"]}}", gw.key);
        assertThat(responses.statusCode()).as(responses.body()).isEqualTo(200);
        assertThat(provider(responses)).isEqualTo("beta");

        assertThat(alphaUp.requests).isEmpty();
        assertThat(betaUp.requests).hasSize(2);
        betaUp.requests.forEach(r -> assertThat(r.has("provider")).as(r.toString()).isFalse());
    }
}
