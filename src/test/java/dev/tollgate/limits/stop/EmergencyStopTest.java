package dev.tollgate.limits.stop;

import static dev.tollgate.limits.stop.StopFixture.JSON;
import static dev.tollgate.limits.stop.StopFixture.createStop;
import static dev.tollgate.limits.stop.StopFixture.error;
import static dev.tollgate.limits.stop.StopFixture.release;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Emergency stops on one gateway: every scope refuses with 503 before any hold or provider call. */
class EmergencyStopTest {
    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, StopFixture.config("helidon"), upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    Balance balance() { return gw.gateway.ledger().balance(gw.accountId); }

    List<HistoryEntry> charges() {
        return gw.gateway.ledger().history(gw.accountId, 100, null).data().stream().filter(e -> e.type().equals("charge")).toList();
    }

    HttpResponse<String> messages(String key) {
        return TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages"))
                .header("x-api-key", key).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"ok\",\"max_tokens\":50,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
    }

    HttpResponse<String> embeddings(String key) {
        return gw.post("/v1/embeddings", "{\"model\":\"embed\",\"input\":\"hello\"}", key);
    }

    HttpResponse<String> images(String key) {
        return gw.post("/v1/images/generations", "{\"model\":\"painter\",\"prompt\":\"a cat\",\"size\":\"1024x1024\"}", key);
    }

    static void assertStopped(HttpResponse<String> res, String scopeWords, String reason) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(503);
        JsonNode e = error(res);
        assertThat(e.path("type").asText()).isEqualTo("service_unavailable");
        assertThat(e.path("code").asText()).isEqualTo("emergency_stop");
        assertThat(e.path("message").asText()).contains(scopeWords).contains(reason);
    }

    @Test
    void globalStopRefusesEveryModelEndpointWithoutCallingOrCharging() throws Exception {
        JsonNode stop = createStop(gw, "global", null, "runaway agent loop");
        assertThat(stop.path("id").asText()).startsWith("stop_");
        assertThat(stop.path("scope").asText()).isEqualTo("global");
        assertThat(stop.path("subject").isNull()).isTrue();
        assertThat(stop.path("reason").asText()).isEqualTo("runaway agent loop");
        assertThat(stop.path("created_at").asLong()).isPositive();

        HttpResponse<String> chat = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key);
        assertStopped(chat, "global", "runaway agent loop");
        assertThat(chat.headers().firstValue("x-tollgate-attempts")).as("nothing was tried").isEmpty();
        assertStopped(gw.post("/v1/chat/completions", TestGateway.chat("ok", true), gw.key), "global", "runaway agent loop");
        assertStopped(embeddings(gw.key), "global", "runaway agent loop");
        assertStopped(images(gw.key), "global", "runaway agent loop");
        HttpResponse<String> anthropic = messages(gw.key);
        assertThat(anthropic.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(anthropic.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(body.path("error").path("message").asText()).contains("global").contains("runaway agent loop");

        assertThat(upstream.requests).as("no provider call").isEmpty();
        assertThat(charges()).isEmpty();
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
        // read-only endpoints stay open: a stopped caller can still see where it stands
        assertThat(gw.get("/v1/credits", gw.key).statusCode()).isEqualTo(200);
        assertThat(gw.get("/v1/models", gw.key).statusCode()).isEqualTo(200);
        assertThat(gw.gateway.metrics().scrape())
                .contains("tollgate_emergency_stop_refused_total{scope=\"global\"} 5.0")
                .contains("tollgate_emergency_stop_active 1.0");

        release(gw, stop.path("id").asText());
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
        assertThat(gw.gateway.metrics().scrape()).contains("tollgate_emergency_stop_active 0.0");
    }

    @Test
    void accountAndKeyStopsHaltOnlyThatCaller() throws Exception {
        String sameAccountKey = gw.gateway.accounts().createKey(gw.accountId, "second", null, null).secret();
        String otherAccount = gw.gateway.accounts().create("other", null).id();
        gw.gateway.ledger().grant("fund-other", otherAccount, TestGateway.FUNDING_MICROS, "test");
        String otherKey = gw.gateway.accounts().createKey(otherAccount, "other", null, null).secret();
        String keyId = gw.gateway.accounts().authenticate(gw.key).orElseThrow().keyId();

        JsonNode keyStop = createStop(gw, "key", keyId, "leaked key");
        assertThat(keyStop.path("subject").asText()).isEqualTo(keyId);
        assertStopped(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key), keyId, "leaked key");
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), sameAccountKey).statusCode()).isEqualTo(200);
        release(gw, keyStop.path("id").asText());

        createStop(gw, "account", gw.accountId, "unpaid invoice");
        assertStopped(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key), "account " + gw.accountId, "unpaid invoice");
        assertStopped(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), sameAccountKey), gw.accountId, "unpaid invoice");
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), otherKey).statusCode()).isEqualTo(200);
        assertThat(upstream.requests).as("only the unstopped callers reached the provider").hasSize(2);
        assertThat(charges()).as("one answer for the second key, before the account stop").hasSize(1);
        assertThat(balance().heldMicros()).isZero();
    }

    @Test
    void providerStopFallsOverToAnotherProviderAndNamesTheSkip() throws Exception {
        createStop(gw, "provider", "fake", "provider incident");
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("both", false), gw.key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-provider")).contains("backup");
        assertThat(res.headers().firstValue("x-tollgate-attempts")).contains("ok@fake=skip:emergency_stop; ok-backup@backup=ok");

        HttpResponse<String> only = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key);
        assertStopped(only, "provider 'fake'", "provider incident");
        assertThat(only.headers().firstValue("x-tollgate-attempts")).contains("ok@fake=skip:emergency_stop");
        assertStopped(embeddings(gw.key), "provider 'fake'", "provider incident");
        assertThat(upstream.requests).as("one call, by backup").hasSize(1);
        assertThat(charges()).hasSize(1);
        assertThat(balance().heldMicros()).isZero();
    }

    @Test
    void adminApiValidatesAndNeedsTheAdminToken() throws Exception {
        String keyId = gw.gateway.accounts().authenticate(gw.key).orElseThrow().keyId();
        record Case(String body, int status, String param) {}
        for (Case c : List.of(
                new Case("{\"scope\":\"planet\",\"reason\":\"x\"}", 400, "scope"),
                new Case("{\"scope\":\"global\"}", 400, "reason"),
                new Case("{\"scope\":\"global\",\"reason\":\"" + "x".repeat(501) + "\"}", 400, "reason"),
                new Case("{\"scope\":\"global\",\"id\":\"x\",\"reason\":\"r\"}", 400, "id"),
                new Case("{\"scope\":\"account\",\"reason\":\"r\"}", 400, "id"),
                new Case("{\"scope\":\"account\",\"id\":\"acct_nope\",\"reason\":\"r\"}", 404, "id"),
                new Case("{\"scope\":\"key\",\"id\":\"" + gw.accountId + "\",\"reason\":\"r\"}", 404, "id"),
                new Case("{\"scope\":\"provider\",\"id\":\"nope\",\"reason\":\"r\"}", 400, "id"))) {
            HttpResponse<String> res = gw.post("/admin/emergency-stop", c.body(), TestGateway.ADMIN_TOKEN);
            assertThat(res.statusCode()).as(c.body() + " → " + res.body()).isEqualTo(c.status());
            assertThat(error(res).path("param").asText()).isEqualTo(c.param());
        }
        String ok = "{\"scope\":\"key\",\"id\":\"" + keyId + "\",\"reason\":\"r\"}";
        assertThat(gw.post("/admin/emergency-stop", ok, null).statusCode()).isEqualTo(401);
        assertThat(gw.post("/admin/emergency-stop", ok, gw.key).statusCode()).isEqualTo(401);
        assertThat(gw.get("/admin/emergency-stop", gw.key).statusCode()).isEqualTo(401);
        assertThat(gw.delete("/admin/emergency-stop/stop_x", gw.key).statusCode()).isEqualTo(401);
        assertThat(gw.gateway.stops().snapshot().active()).as("nothing was stopped").isEmpty();

        JsonNode a = createStop(gw, "key", keyId, "first");
        JsonNode b = createStop(gw, "global", null, "second");
        release(gw, a.path("id").asText());
        release(gw, a.path("id").asText()); // releasing twice is fine
        assertThat(gw.delete("/admin/emergency-stop/stop_unknown", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        JsonNode active = JSON.readTree(gw.get("/admin/emergency-stop", TestGateway.ADMIN_TOKEN).body()).path("data");
        assertThat(active).hasSize(1);
        assertThat(active.get(0).path("id").asText()).isEqualTo(b.path("id").asText());
        JsonNode all = JSON.readTree(gw.get("/admin/emergency-stop?all=true", TestGateway.ADMIN_TOKEN).body()).path("data");
        assertThat(all).hasSize(2);
        assertThat(all.findValuesAsText("id")).contains(a.path("id").asText());
        assertThat(all.findValues("released_at").stream().filter(JsonNode::isNumber)).hasSize(1);
    }

    /** The stalled upstream sends nothing after "partial": only the stop can end the stream this fast. */
    @ParameterizedTest
    @ValueSource(strings = {"helidon", "jdk", "lean"})
    void stalledStreamIsEndedWithinASecondAndBilledForWhatWasProduced(String client) throws Exception {
        if (!client.equals("helidon")) {
            gw.close();
            gw = TestGateway.start(dir, StopFixture.config(client), upstream.baseUrl());
        }
        StopFixture.OpenStream stream = new StopFixture.OpenStream(gw, "/v1/chat/completions",
                TestGateway.chat("stall-after-2", true), gw.key);
        stream.readUntil("partial");
        stream.readToEndInBackground();
        createStop(gw, "account", gw.accountId, "stop the bleeding");
        long endedMs = stream.msUntilEnd(System.nanoTime()); // from the 201: the stop is in force
        assertThat(endedMs).as("stream ended %d ms after the stop was made", endedMs).isLessThan(1_000);
        String body = stream.readToEnd(Duration.ofSeconds(1));

        String last = body.substring(body.lastIndexOf("data: ") + 6).trim();
        JsonNode e = JSON.readTree(last).path("error");
        assertThat(e.path("code").asText()).isEqualTo("emergency_stop");
        assertThat(e.path("message").asText()).contains("stop the bleeding");
        assertThat(body).doesNotContain("[DONE]");

        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        long expected = Cost.costMicros(new PriceBook(gw.gateway.config()).price("stall-after-2"),
                Usage.of(PromptTokens.exact(sent, "stall-after-2"), OutputTokens.count("partial", "stall-after-2")));
        assertThat(expected).isPositive();
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-expected));
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS - expected, 0));
        assertThat(gw.gateway.metrics().scrape()).contains("tollgate_emergency_stop_streams_ended_total 1.0");
    }

    /** Gated upstream: mid-stream after its first chunk. A key stop ends it; nothing produced, nothing charged. */
    @Test
    void gatedStreamOnAnthropicWireEndsWithItsErrorEventAndNoCharge() throws Exception {
        String keyId = gw.gateway.accounts().authenticate(gw.key).orElseThrow().keyId();
        StopFixture.OpenStream stream = new StopFixture.OpenStream(gw, "/v1/messages",
                "{\"model\":\"gated\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
        stream.readUntil("message_start");
        stream.readToEndInBackground();
        createStop(gw, "key", keyId, "key rotation");
        assertThat(stream.msUntilEnd(System.nanoTime())).isLessThan(1_000);
        String body = stream.readToEnd(Duration.ofSeconds(1));
        assertThat(body).contains("event: error\ndata: ");
        JsonNode event = JSON.readTree(body.substring(body.lastIndexOf("data: ") + 6).trim());
        assertThat(event.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(event.path("error").path("message").asText()).contains("key rotation");
        assertThat(charges()).isEmpty();
        assertThat(balance()).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
    }

    /** A provider stop ends that provider's streams, not another provider's. */
    @Test
    void providerStopEndsOnlyThatProvidersStreams() throws Exception {
        StopFixture.OpenStream onFake = new StopFixture.OpenStream(gw, "/v1/chat/completions",
                TestGateway.chat("stall-after-2", true), gw.key);
        onFake.readUntil("partial");
        createStop(gw, "provider", "backup", "backup only");
        createStop(gw, "provider", "fake", "fake only");
        String body = onFake.readToEnd(Duration.ofSeconds(2));
        assertThat(body).contains("emergency_stop").contains("provider 'fake'").contains("fake only");
        assertThat(gw.gateway.stops().snapshot().active()).hasSize(2);
    }

    /**
     * An upstream that keeps sending (the in-process mock, one word every 50 ms): the stop ends the
     * stream at the next chunk, and the charge is exactly the words the client received.
     */
    @Test
    void activeStreamEndsAtItsNextChunkAndIsBilledForTheWordsThatReachedTheClient() throws Exception {
        gw.close();
        gw = TestGateway.start(dir, """
                providers:
                  - { name: local, type: mock, chunk_delay_ms: 50 }
                models:
                  - { name: talker, provider: local, price: { input: 1, output: 2 } }
                """, null);
        String question = "please count slowly " + "and then some more ".repeat(10);
        String request = "{\"model\":\"talker\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
        StopFixture.OpenStream stream = new StopFixture.OpenStream(gw, "/v1/chat/completions", request, gw.key);
        stream.readUntil("\" mock\""); // the word "mock" streamed: the answer is under way
        stream.readToEndInBackground();
        createStop(gw, "global", null, "all hands");
        assertThat(stream.msUntilEnd(System.nanoTime())).isLessThan(1_000);
        String body = stream.readToEnd(Duration.ofSeconds(1));

        StringBuilder received = new StringBuilder();
        List<String> events = dev.tollgate.testing.Sse.events(body);
        for (String e : events.subList(0, events.size() - 1)) {
            received.append(JSON.readTree(e).path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertThat(received.toString()).startsWith("This is a mock").doesNotEndWith("more");
        assertThat(JSON.readTree(events.get(events.size() - 1)).path("error").path("code").asText()).isEqualTo("emergency_stop");
        JsonNode sent = JSON.readTree(request);
        long expected = Cost.costMicros(new PriceBook(gw.gateway.config()).price("talker"),
                Usage.of(PromptTokens.exact(sent, "talker"), OutputTokens.count(received.toString(), "talker")));
        assertThat(charges()).singleElement().satisfies(c -> assertThat(c.amountMicros()).isEqualTo(-expected));
        assertThat(balance().heldMicros()).isZero();
    }
}
