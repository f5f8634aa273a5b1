package dev.tollgate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.Sse;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.routing.health.Backoff;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact response cache over the real server (CONTRACT §7): what hits, what misses, what is stored, what it costs. */
class ResponseCacheTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The fake's usage (12 prompt + 3 completion) at $1 / $2 per 1M and $0.001 per credit. */
    static final long FAKE_COST_MICROS = 12 * 1000 + 3 * 2000;

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestClock clock;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        clock = new TestClock();
        gw = start("cache: { max_ttl_s: 3600 }\nlimits: { default_rpm: 0 }\n");
    }

    TestGateway start(String extraYaml) {
        return TestGateway.start(dir, TestGateway.openAiConfig("ok", "cut-after-2") + extraYaml, upstream.baseUrl(),
                "jdbc:sqlite:" + dir.resolve("tollgate.db"), clock, Backoff.Sleeper.REAL);
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    static String body(String extraFields) {
        return "{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"cache\":{\"ttl\":60}"
                + extraFields + "}";
    }

    HttpResponse<String> post(String body, String key, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return TestGateway.send(b.build());
    }

    HttpResponse<String> post(String body) { return post(body, gw.key, Map.of()); }

    static String cacheHeader(HttpResponse<String> r) { return r.headers().firstValue("x-tollgate-cache").orElse(null); }

    long balance() { return gw.gateway.ledger().balance(gw.accountId).postedMicros(); }

    /** A hit is a usage event of its own: counted as a request and a cache hit, its saving recorded, no tokens used. */
    @Test
    void aHitIsRecordedInUsageAsACacheHitWithItsSaving() throws Exception {
        HttpResponse<String> miss = post(body(""));
        HttpResponse<String> hit = post(body(""));
        assertThat(cacheHeader(hit)).isEqualTo("hit");
        long originalMicros = new java.math.BigDecimal(miss.headers().firstValue("x-tollgate-cost").orElseThrow())
                .movePointRight(6).longValueExact();
        assertThat(originalMicros).as("the miss was billed").isPositive();
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(20))).isTrue();
        com.fasterxml.jackson.databind.JsonNode stats = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/usage/stats?hours=24"))
                        .header("Authorization", "Bearer " + gw.key).build()).body());
        assertThat(stats.path("total_requests").asLong()).isEqualTo(2);
        assertThat(stats.path("cost").decimalValue()).as("the hit is free at hit_price 0")
                .isEqualByComparingTo(java.math.BigDecimal.valueOf(originalMicros, 6));
        assertThat(stats.path("cache_savings").decimalValue()).isEqualByComparingTo(java.math.BigDecimal.valueOf(originalMicros, 6));
        try (java.sql.Connection c = gw.gateway.usage().store().connection(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT SUM(cache_hit), SUM(input_tokens) FROM usage_events")) {
            rs.next();
            assertThat(rs.getLong(1)).as("one cache hit").isEqualTo(1);
        }
    }

    @Test
    void identicalRequestsHitAndTheProviderIsCalledOnce() throws Exception {
        HttpResponse<String> first = post(body(""));
        HttpResponse<String> second = post(body(""));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(first)).isEqualTo("miss");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(second)).isEqualTo("hit");
        assertThat(second.headers().firstValue("age")).hasValue("0");
        assertThat(upstream.calls("ok")).isEqualTo(1);
        JsonNode a = JSON.readTree(first.body()), b = JSON.readTree(second.body());
        assertThat(b.get("choices")).isEqualTo(a.get("choices"));
        assertThat(b.path("usage").path("prompt_tokens").asLong()).isEqualTo(12);
        assertThat(b.path("usage").path("cost").decimalValue().signum()).isZero(); // hit_price 0: a free hit
        assertThat(upstream.requests.get(0).has("cache")).as("the cache field is not forwarded").isFalse();

        clock.advance(Duration.ofSeconds(42));
        assertThat(post(body("")).headers().firstValue("age")).hasValue("42");
    }

    @Test
    void anyChangeToAGeneratingFieldMisses() {
        assertThat(cacheHeader(post(body("")))).isEqualTo("miss");
        String[] variants = {
            ",\"temperature\":0.2",
            ",\"reasoning_effort\":\"high\"",
            ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]",
            ",\"seed\":7", ",\"max_tokens\":5", ",\"response_format\":{\"type\":\"json_object\"}",
            ",\"num_ctx\":4096", // a provider extra we know nothing about is part of the key
            ",\"top_p\":0.5", ",\"stop\":[\"x\"]", ",\"tool_choice\":\"none\"", ",\"logit_bias\":{\"42\":1}",
            ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}", ",\"top_k\":5",
            ",\"extra_body\":{\"options\":{\"num_ctx\":8192}}", // nested provider extras too
            ",\"reasoning\":{\"effort\":\"low\"}", ",\"n\":2",
        };
        for (String v : variants) assertThat(cacheHeader(post(body(v)))).as(v).isEqualTo("miss");
        String oneChar = body("").replace("Say hello", "Say hellO");
        assertThat(cacheHeader(post(oneChar))).isEqualTo("miss");
        // + 1: the json_object variant's prose answer is not a JSON object, so it was repaired once (structured outputs)
        int calls = variants.length + 3;
        assertThat(upstream.calls("ok")).isEqualTo(calls);

        // what cannot change the answer does not change the key: user, metadata, stream_options, key order
        String same = "{\"metadata\":{\"a\":\"b\"},\"user\":\"u-1\",\"cache\":{\"ttl\":60},"
                + "\"messages\":[{\"content\":\"Say hello\",\"role\":\"user\"}],\"model\":\"ok\"}";
        assertThat(cacheHeader(post(same))).isEqualTo("hit");
        assertThat(upstream.calls("ok")).isEqualTo(calls);
    }

    @Test
    void anotherAccountMisses() {
        post(body(""));
        String otherAccount = gw.gateway.accounts().create("other-" + java.util.UUID.randomUUID(), null).id();
        gw.gateway.ledger().grant("fund:" + otherAccount, otherAccount, TestGateway.FUNDING_MICROS, "test");
        String otherKey = gw.gateway.accounts().createKey(otherAccount, "k", null, null).secret();

        assertThat(cacheHeader(post(body(""), otherKey, Map.of()))).isEqualTo("miss");
        assertThat(upstream.calls("ok")).isEqualTo(2);
        assertThat(cacheHeader(post(body(""), otherKey, Map.of()))).isEqualTo("hit");
    }

    @Test
    void anEntryExpiresAfterItsTtl() {
        post(body(""));
        clock.advance(Duration.ofSeconds(59));
        assertThat(cacheHeader(post(body("")))).isEqualTo("hit");
        clock.advance(Duration.ofSeconds(1));
        assertThat(cacheHeader(post(body("")))).isEqualTo("miss");
        assertThat(upstream.calls("ok")).isEqualTo(2);
    }

    @Test
    void noCacheSkipsTheLookupButStillStores() {
        post(body(""));
        HttpResponse<String> fresh = post(body(""), gw.key, Map.of("x-tollgate-cache", "no-cache"));
        assertThat(cacheHeader(fresh)).isEqualTo("bypass");
        assertThat(upstream.calls("ok")).isEqualTo(2);

        // the header alone (with a TTL from the header) stores as well
        String noBodyTtl = body("").replace(",\"cache\":{\"ttl\":60}", "").replace("Say hello", "Other");
        post(noBodyTtl, gw.key, Map.of("x-tollgate-cache", "no-cache", "x-tollgate-cache-ttl", "60"));
        assertThat(cacheHeader(post(noBodyTtl, gw.key, Map.of("x-tollgate-cache-ttl", "60")))).isEqualTo("hit");
        assertThat(upstream.calls("ok")).isEqualTo(3);
    }

    @Test
    void withoutATtlNothingIsCachedAndNoHeaderIsSent() {
        String plain = TestGateway.chat("ok", false);
        post(plain);
        HttpResponse<String> again = post(plain);
        assertThat(cacheHeader(again)).isNull();
        assertThat(upstream.calls("ok")).isEqualTo(2);
        assertThat(cacheHeader(post(body("").replace("\"ttl\":60", "\"ttl\":0")))).isEqualTo("bypass");
    }

    @Test
    void aCutStreamIsNotStored() {
        String cut = body(",\"stream\":true").replace("\"ok\"", "\"cut-after-2\"");
        HttpResponse<String> first = post(cut);
        assertThat(first.body()).contains("\"error\""); // the in-band error of a stream cut after its start
        post(cut);
        assertThat(upstream.calls("cut-after-2")).isEqualTo(2);
    }

    @Test
    void aStreamedHitReplaysTheSameText() throws Exception {
        String streamed = body(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        HttpResponse<String> first = post(streamed);
        HttpResponse<String> second = post(streamed);
        assertThat(cacheHeader(second)).isEqualTo("hit");
        assertThat(upstream.calls("ok")).isEqualTo(1);
        assertThat(text(second.body())).isEqualTo(text(first.body())).isEqualTo("Hello from fake");
        assertThat(second.body()).endsWith("data: [DONE]\n\n");

        // a stored (non-streamed) completion answers a streamed request too
        String other = body("").replace("Say hello", "Say hi");
        String otherAnswer = JSON.readTree(post(other).body()).at("/choices/0/message/content").asText();
        HttpResponse<String> replayed = post(other.substring(0, other.length() - 1) + ",\"stream\":true}");
        assertThat(cacheHeader(replayed)).isEqualTo("hit");
        assertThat(text(replayed.body())).isEqualTo(otherAnswer);
        assertThat(upstream.calls("ok")).isEqualTo(2);
    }

    @Test
    void aHitIsChargedTheHitPriceThroughTheLedger() throws Exception {
        gw.close();
        gw = start("cache: { hit_price: 0.5 }\nlimits: { default_rpm: 0 }\n");
        long before = balance();
        post(body(""));
        assertThat(balance()).isEqualTo(before - FAKE_COST_MICROS);
        HttpResponse<String> hit = post(body(""));
        assertThat(cacheHeader(hit)).isEqualTo("hit");
        assertThat(balance()).isEqualTo(before - FAKE_COST_MICROS - FAKE_COST_MICROS / 2);
        assertThat(JSON.readTree(hit.body()).path("usage").path("cost").decimalValue())
                .isEqualByComparingTo("0.009");
        assertThat(hit.headers().firstValue("x-tollgate-cost")).hasValue("0.009");
        assertThat(gw.gateway.ledger().balance(gw.accountId).heldMicros()).isZero();
        CacheStats.Snapshot s = gw.gateway.cache().stats().account(gw.accountId);
        assertThat(s.hits()).isEqualTo(1);
        assertThat(s.misses()).isEqualTo(1);
        assertThat(s.tokensSaved()).isEqualTo(15);
        assertThat(s.microsSaved()).isEqualTo(FAKE_COST_MICROS / 2);

        JsonNode mine = JSON.readTree(gw.get("/v1/cache/stats", gw.key).body());
        assertThat(mine.path("hits").asLong()).isEqualTo(1);
        assertThat(mine.path("tokens_saved").asLong()).isEqualTo(15);
        assertThat(mine.path("credits_saved").decimalValue()).isEqualByComparingTo("0.009");
        assertThat(mine.path("hit_rate").asDouble()).isEqualTo(0.5);
        assertThat(gw.get("/admin/cache/stats", gw.key).statusCode()).isEqualTo(401);
        JsonNode all = JSON.readTree(gw.get("/admin/cache/stats", TestGateway.ADMIN_TOKEN).body());
        assertThat(all.path("hits").asLong()).isEqualTo(1);
        assertThat(gw.get("/metrics", null).body()).contains("tollgate_cache_requests_total{result=\"hit\"} 1.0")
                .contains("tollgate_cache_saved_micros_total " + (FAKE_COST_MICROS / 2) + ".0");
    }

    @Test
    void aPlanWithoutTheCacheFeatureBypasses() {
        gw.close();
        gw = start("limits: { default_rpm: 0 }\nplans:\n  nocache: { features: { cache: false } }\n  cached: { cache_ttl: 30 }\n");
        String account = gw.gateway.accounts().create("plan-" + java.util.UUID.randomUUID(), "nocache").id();
        gw.gateway.ledger().grant("fund:" + account, account, TestGateway.FUNDING_MICROS, "test");
        String key = gw.gateway.accounts().createKey(account, "k", null, null).secret();
        assertThat(cacheHeader(post(body(""), key, Map.of()))).isEqualTo("bypass");
        assertThat(cacheHeader(post(body(""), key, Map.of()))).isEqualTo("bypass");
        assertThat(upstream.calls("ok")).isEqualTo(2);

        String cached = gw.gateway.accounts().create("plan-" + java.util.UUID.randomUUID(), "cached").id();
        gw.gateway.ledger().grant("fund:" + cached, cached, TestGateway.FUNDING_MICROS, "test");
        String cachedKey = gw.gateway.accounts().createKey(cached, "k", null, null).secret();
        String plain = TestGateway.chat("ok", false); // no ttl: the plan's cache_ttl applies
        assertThat(cacheHeader(post(plain, cachedKey, Map.of()))).isEqualTo("miss");
        assertThat(cacheHeader(post(plain, cachedKey, Map.of()))).isEqualTo("hit");
        assertThat(upstream.calls("ok")).isEqualTo(3);
    }

    @Test
    void badCacheFieldsAre400() {
        assertThat(post(body("").replace("\"ttl\":60", "\"ttl\":3601")).statusCode()).isEqualTo(400);
        assertThat(post(body("").replace("\"ttl\":60", "\"ttl\":-1")).statusCode()).isEqualTo(400);
        assertThat(post(body("").replace("{\"ttl\":60}", "\"soon\"")).statusCode()).isEqualTo(400);
        assertThat(post(body("").replace("\"ttl\":60", "\"ttl\":60,\"x\":1")).statusCode()).isEqualTo(400);
        assertThat(post(TestGateway.chat("ok", false), gw.key, Map.of("x-tollgate-cache-ttl", "soon")).statusCode()).isEqualTo(400);
        assertThat(post(TestGateway.chat("ok", false), gw.key, Map.of("x-tollgate-cache", "maybe")).statusCode()).isEqualTo(400);
        assertThat(upstream.calls("ok")).isZero();
    }

    @Test
    void anthropicMessagesAreCachedToo() throws Exception {
        String body = "{\"model\":\"ok\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],"
                + "\"cache\":{\"ttl\":60}}";
        HttpResponse<String> first = gw.post("/v1/messages", body, gw.key);
        HttpResponse<String> second = gw.post("/v1/messages", body, gw.key);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(cacheHeader(first)).isEqualTo("miss");
        assertThat(cacheHeader(second)).isEqualTo("hit");
        assertThat(JSON.readTree(second.body()).get("content")).isEqualTo(JSON.readTree(first.body()).get("content"));
        assertThat(JSON.readTree(second.body()).at("/content/0/text").asText()).isEqualTo("Hello from fake");

        HttpResponse<String> streamed = gw.post("/v1/messages", body.replace("\"max_tokens\":50", "\"max_tokens\":50,\"stream\":true"), gw.key);
        assertThat(cacheHeader(streamed)).isEqualTo("hit");
        assertThat(streamed.body()).contains("event: message_stop").contains("Hello from fake");
        assertThat(upstream.calls("ok")).isEqualTo(1);
    }

    /** The content of every choice-0 delta, joined. */
    static String text(String sse) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String data : Sse.events(sse)) {
            if (data.equals("[DONE]")) continue;
            JsonNode chunk = JSON.readTree(data);
            for (JsonNode c : chunk.path("choices")) out.append(c.path("delta").path("content").asText(""));
        }
        return out.toString();
    }

}
