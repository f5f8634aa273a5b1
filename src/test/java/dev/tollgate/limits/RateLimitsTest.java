package dev.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.account.LimitOverrides;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local rate limits (no Redis), on a test clock so every bucket is exact: a key's rpm admits exactly its
 * limit and then answers 429 with Retry-After and the x-ratelimit headers; an account's plan rpm is one
 * bucket shared by its keys; tpm reserves the worst case and gives back the difference after the answer;
 * limits.default_rpm applies to a key with nothing of its own.
 */
class RateLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PLANS = """
            limits: { default_rpm: 4 }
            plans:
              team: { rpm: 2 }
            """;

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestClock clock = new TestClock();
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok") + PLANS, upstream.baseUrl(),
                "jdbc:sqlite:" + dir.resolve("tollgate.db"), clock, clock.sleeper());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    HttpResponse<String> chat(String key) {
        return gw.post("/v1/chat/completions", TestGateway.chat("ok", false), key);
    }

    String key(LimitOverrides limits) {
        return gw.gateway.accounts().createKeyWithLimits(gw.accountId, "k", limits, null).secret();
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void aKeyRpmAdmitsExactlyItsLimitThen429WithRetryAfterAndHeaders() throws Exception {
        String key = key(new LimitOverrides(3, null, null, null));
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> ok = chat(key);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(header(ok, "x-ratelimit-limit-requests")).isEqualTo("3");
            assertThat(header(ok, "x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(3 - i));
            assertThat(header(ok, "x-ratelimit-reset-requests")).isEqualTo(new String[] {"20s", "40s", "1m0s"}[i - 1]);
            assertThat(header(ok, "x-ratelimit-limit-tokens")).as("no tpm limit, no token headers").isNull();
        }
        HttpResponse<String> limited = chat(key);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(header(limited, "retry-after")).isEqualTo("20");
        assertThat(header(limited, "x-ratelimit-remaining-requests")).isEqualTo("0");
        JsonNode error = JSON.readTree(limited.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("requests per minute (rpm) of 3", "API key key_", "resets in 20s");
        assertThat(upstream.calls("ok")).isEqualTo(3);
        assertThat(gw.gateway.ledger().balance(gw.accountId).heldMicros()).isZero();

        clock.advance(Duration.ofSeconds(20)); // one request back at 3 per minute
        assertThat(chat(key).statusCode()).isEqualTo(200);
        assertThat(chat(key).statusCode()).isEqualTo(429);
    }

    @Test
    void aPlanRpmIsOneBucketPerAccountSharedByItsKeys() throws Exception {
        gw.gateway.accounts().updateAccount(gw.accountId, Map.of("plan", "team"));
        String one = key(LimitOverrides.NONE);
        String two = key(LimitOverrides.NONE);
        assertThat(chat(one).statusCode()).isEqualTo(200);
        assertThat(chat(two).statusCode()).isEqualTo(200);
        HttpResponse<String> third = chat(one);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(third.body()).path("error").path("message").asText())
                .contains("of 2", "account " + gw.accountId);
        assertThat(chat(two).statusCode()).as("the other key shares the account's bucket").isEqualTo(429);
    }

    @Test
    void aKeyMaySetLowerThanItsPlanAndBothBucketsApply() {
        gw.gateway.accounts().updateAccount(gw.accountId, Map.of("plan", "team"));
        String low = key(new LimitOverrides(1, null, null, null));
        String other = key(LimitOverrides.NONE);
        assertThat(chat(low).statusCode()).isEqualTo(200);
        assertThat(chat(low).statusCode()).as("the key's own rpm 1").isEqualTo(429);
        assertThat(chat(other).statusCode()).isEqualTo(200);
        assertThat(chat(other).statusCode()).as("the account's rpm 2 is used up").isEqualTo(429);
    }

    @Test
    void defaultRpmAppliesPerKeyWhenNothingElseSaysAndAnAccountOverrideReplacesThePlan() {
        String key = key(LimitOverrides.NONE);
        for (int i = 0; i < 4; i++) assertThat(chat(key).statusCode()).isEqualTo(200);
        assertThat(chat(key).statusCode()).as("limits.default_rpm 4").isEqualTo(429);

        gw.gateway.accounts().updateAccount(gw.accountId, Map.of("plan", "team", "rpm", 0)); // 0: unlimited
        String unlimited = key(LimitOverrides.NONE);
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = chat(unlimited);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "x-ratelimit-limit-requests")).as("an unlimited key carries no headers").isNull();
        }
    }

    @Test
    void tpmReservesTheWorstCaseAndGivesBackTheDifferenceAfterTheAnswer() throws Exception {
        String key = key(new LimitOverrides(0, 1000, null, null));
        String body = "{\"model\":\"ok\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        long prompt = PromptTokens.upperBound(JSON.readTree(body));
        HttpResponse<String> first = gw.post("/v1/chat/completions", body, key);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo("1000");
        assertThat(header(first, "x-ratelimit-remaining-tokens")).as("the worst case was reserved")
                .isEqualTo(Long.toString(1000 - prompt - 100));
        // the fake answers 12 + 3 tokens: the rest of the reservation came back after the answer
        HttpResponse<String> second = gw.post("/v1/chat/completions", body, key);
        assertThat(header(second, "x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(1000 - 15 - prompt - 100));

        String big = body.replace("\"max_tokens\":100", "\"max_tokens\":950");
        HttpResponse<String> refused = gw.post("/v1/chat/completions", big, key);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "retry-after")).isNotNull();
        assertThat(header(refused, "x-ratelimit-remaining-tokens")).isEqualTo("0");
        assertThat(JSON.readTree(refused.body()).path("error").path("message").asText())
                .contains("tokens per minute (tpm) of 1000");
        assertThat(upstream.calls("ok")).isEqualTo(2);

        String huge = body.replace("\"max_tokens\":100", "\"max_tokens\":5000");
        HttpResponse<String> never = gw.post("/v1/chat/completions", huge, key);
        assertThat(never.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(never.body()).path("error").path("message").asText()).contains("lower max_tokens");
    }
}
