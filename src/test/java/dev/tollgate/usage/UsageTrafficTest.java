package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.ledger.HistoryPage;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomized mixed traffic over the real server — several accounts, keys and end users; paid, free and
 * unknown models; upstream failures, fallbacks, streams, cut streams, client disconnects, refusals —
 * then every analytics total must equal the ledger's charges to the µcr, every request count what was
 * sent (failures included), and no account may see another's numbers.
 */
class UsageTrafficTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeOpenAi upstream;
    TestGateway gw;
    final TestClock clock = new TestClock(Instant.parse("2026-11-30T10:15:00Z"));

    /** Per account: what was sent, by outcome. */
    static final class Sent {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Map<String, AtomicLong> byUser = new ConcurrentHashMap<>();
    }

    record Caller(String accountId, String key, Sent sent) {}

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok", "gated", "fail-500", "bad-request", "cut-after-2",
                "embed-ok") + """
                  - { name: free-one, provider: fake, upstream: ok, price: free }
                aliases:
                  resilient: [fail-500, ok]
                """, upstream.baseUrl(), "jdbc:sqlite:" + dir.resolve("t.db"), clock, clock.sleeper());
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close();
    }

    Caller newCaller(String name, long micros) {
        String id = gw.gateway.accounts().create(name, name.startsWith("poor") ? "free" : "pro").id();
        if (micros > 0) gw.gateway.ledger().grant("fund:" + id, id, micros, "test");
        return new Caller(id, gw.gateway.accounts().createKey(id, "k", null, null).secret(), new Sent());
    }

    @Test
    void everyTotalEqualsTheLedgerAndEveryRequestIsCounted() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Caller> callers = new ArrayList<>();
        callers.add(new Caller(gw.accountId, gw.key, new Sent()));
        for (int i = 0; i < 3; i++) callers.add(newCaller("acct-" + i, 50_000_000L));
        // a second key of the first account: the key dimension
        callers.add(new Caller(gw.accountId, gw.gateway.accounts().createKey(gw.accountId, "second", null, null).secret(),
                callers.get(0).sent()));
        Caller poor = newCaller("poor", 5); // 5 µcr: every paid request is refused with 402
        callers.add(poor);
        poorKey = poor.key();
        Caller idle = newCaller("idle", 1_000_000);

        int requests = 120;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                Caller c = callers.get(random.nextInt(callers.size()));
                int scenario = random.nextInt(11);
                String user = random.nextInt(3) == 0 ? null : "user-" + random.nextInt(4);
                boolean userHeader = random.nextBoolean();
                done.add(pool.submit(() -> send(c, scenario, user, userHeader)));
            }
            for (Future<?> f : done) f.get();
        }
        // client disconnects mid-stream: the provider's stream is still metered and charged
        List<Socket> cut = new ArrayList<>();
        for (int i = 0; i < 3; i++) cut.add(openStreamAndReadFirstChunk(callers.get(i).key()));
        for (int i = 0; i < 3; i++) {
            cut.get(i).close();
            callers.get(i).sent().requests.incrementAndGet();
        }
        upstream.gate.countDown();
        // unauthenticated requests are nobody's usage
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), "tg-not-a-key").statusCode()).isEqualTo(401);

        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(20))).as("flushed").isTrue();
        assertThat(gw.gateway.usage().writer().droppedCount()).isZero();

        long allCost = 0, allRequests = 0, allFailed = 0;
        Map<String, Sent> byAccount = new HashMap<>();
        for (Caller c : callers) byAccount.put(c.accountId(), c.sent());
        for (Map.Entry<String, Sent> e : byAccount.entrySet()) {
            String key = keyOf(callers, e.getKey());
            JsonNode stats = JSON.readTree(gw.get("/v1/usage/stats?hours=24", key).body());
            long ledger = ledgerCharges(e.getKey());
            String why = "account " + e.getKey() + " seed " + seed;
            assertThat(Credits.micros(stats.get("cost").asText())).as(why).isEqualTo(ledger);
            assertThat(stats.get("total_requests").asLong()).as(why).isEqualTo(e.getValue().requests.get());
            assertThat(stats.get("failed_requests").asLong()).as(why).isEqualTo(e.getValue().failed.get());
            assertThat(stats.get("successful_requests").asLong() + stats.get("failed_requests").asLong())
                    .isEqualTo(stats.get("total_requests").asLong());
            assertThat(sumCredits(stats.get("cost_by_provider"))).as(why).isEqualTo(ledger);
            assertThat(sumCredits(stats.get("cost_by_model"))).as(why).isEqualTo(ledger);
            assertThat(sumCredits(stats.get("cost_by_task"))).as(why).isEqualTo(ledger);
            JsonNode daily = JSON.readTree(gw.get("/v1/usage/daily?days=7&group_by=user", key).body());
            long dailyCost = 0, dailyRequests = 0;
            for (JsonNode row : daily.get("data")) {
                dailyCost += Credits.micros(row.get("cost").asText());
                dailyRequests += row.get("requests").asLong();
                String user = row.get("group").asText();
                if (!user.isEmpty()) {
                    assertThat(row.get("requests").asLong()).as(why + " user " + user)
                            .isEqualTo(e.getValue().byUser.getOrDefault(user, new AtomicLong()).get());
                }
            }
            assertThat(dailyCost).as(why).isEqualTo(ledger);
            assertThat(dailyRequests).as(why).isEqualTo(e.getValue().requests.get());
            for (String groupBy : new String[] {"key", "model", "provider", "task"}) {
                JsonNode rows = JSON.readTree(gw.get("/v1/usage/daily?days=1&group_by=" + groupBy, key).body()).get("data");
                long cost = 0, count = 0;
                for (JsonNode row : rows) {
                    cost += Credits.micros(row.get("cost").asText());
                    count += row.get("requests").asLong();
                }
                assertThat(cost).as(why + " by " + groupBy).isEqualTo(ledger);
                assertThat(count).as(why + " by " + groupBy).isEqualTo(e.getValue().requests.get());
            }
            allCost += ledger;
            allRequests += e.getValue().requests.get();
            allFailed += e.getValue().failed.get();
        }
        assertThat(callers.get(0).sent().requests.get()).isPositive();
        assertThat(ledgerCharges(poor.accountId())).isZero();

        // an account without traffic sees zeros, not someone else's numbers
        JsonNode none = JSON.readTree(gw.get("/v1/usage/stats", idle.key()).body());
        assertThat(none.get("total_requests").asLong()).isZero();
        assertThat(none.get("cost_by_model").size()).isZero();

        // the operator sees everyone: the sums of all accounts
        JsonNode summary = JSON.readTree(gw.get("/admin/analytics/summary?hours=24", TestGateway.ADMIN_TOKEN).body());
        assertThat(summary.get("requests").asLong()).isEqualTo(allRequests);
        assertThat(summary.get("failed_requests").asLong()).isEqualTo(allFailed);
        assertThat(Credits.micros(summary.get("cost").asText())).isEqualTo(allCost);
        assertThat(summary.get("accounts").asLong()).isEqualTo(byAccount.size() + 1);
        long topSum = 0;
        for (JsonNode row : JSON.readTree(gw.get("/admin/analytics/top-accounts?days=1&limit=100", TestGateway.ADMIN_TOKEN)
                .body()).get("data")) {
            topSum += Credits.micros(row.get("cost").asText());
            assertThat(Credits.micros(row.get("cost").asText())).isEqualTo(ledgerCharges(row.get("account").asText()));
        }
        assertThat(topSum).isEqualTo(allCost);
        long modelSum = 0;
        for (JsonNode row : JSON.readTree(gw.get("/admin/analytics/models?days=1", TestGateway.ADMIN_TOKEN).body()).get("data")) {
            modelSum += Credits.micros(row.get("cost").asText());
        }
        assertThat(modelSum).isEqualTo(allCost);
        for (String view : new String[] {"providers", "tasks", "plans"}) {
            long sum = 0, count = 0;
            for (JsonNode row : JSON.readTree(gw.get("/admin/analytics/" + view + "?hours=24", TestGateway.ADMIN_TOKEN).body())
                    .get("data")) {
                sum += Credits.micros(row.get("cost").asText());
                count += row.get("requests").asLong();
            }
            assertThat(sum).as(view).isEqualTo(allCost);
            assertThat(count).as(view).isEqualTo(allRequests);
        }
        long userCost = 0;
        for (JsonNode row : JSON.readTree(gw.get("/admin/analytics/top-users?days=1&limit=1000", TestGateway.ADMIN_TOKEN)
                .body()).get("data")) {
            userCost += Credits.micros(row.get("cost").asText());
            assertThat(row.get("user").asText()).startsWith("user-");
        }
        assertThat(userCost).isLessThanOrEqualTo(allCost); // requests without an end user are not ranked
        for (JsonNode row : JSON.readTree(gw.get("/admin/analytics/top-users?days=1&limit=1000&account=" + gw.accountId,
                TestGateway.ADMIN_TOKEN).body()).get("data")) {
            assertThat(row.get("account").asText()).isEqualTo(gw.accountId);
            assertThat(row.get("requests").asLong()).isEqualTo(callers.get(0).sent().byUser.get(row.get("user").asText()).get());
        }
        String csv = TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/admin/analytics/models?days=1"))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).header("Accept", "text/csv").GET().build()).body();
        assertThat(csv).startsWith("model,requests,successful_requests,failed_requests,error_rate,");
        // and a key cannot read the operator's views
        assertThat(gw.get("/admin/analytics/summary", gw.key).statusCode()).isEqualTo(401);
    }

    /** One request of a scenario; records what the account should see. */
    private void send(Caller c, int scenario, String user, boolean userHeader) {
        String userField = user != null && !userHeader ? ",\"user\":\"" + user + "\"" : "";
        String body;
        String path = "/v1/chat/completions";
        boolean fails;
        switch (scenario) {
            case 0 -> { body = chat("ok", false, userField); fails = false; }
            case 1 -> { body = chat("ok", true, userField); fails = false; }
            case 2 -> { body = chat("free-one", false, userField); fails = false; }
            case 3 -> { body = chat("fail-500", false, userField); fails = true; }
            case 4 -> { body = chat("bad-request", false, userField); fails = true; }
            case 5 -> { body = chat("resilient", false, userField); fails = false; }
            case 6 -> { body = chat("cut-after-2", true, userField); fails = true; }
            case 7 -> { body = chat("no-such-model", false, userField); fails = true; }
            case 8 -> {
                path = "/v1/embeddings";
                body = "{\"model\":\"embed-ok\",\"input\":\"hello\"" + userField + "}";
                fails = false;
            }
            case 9 -> {
                path = "/v1/messages";
                body = "{\"model\":\"ok\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                        + (user != null && !userHeader ? ",\"metadata\":{\"user_id\":\"x\"}" : "") + "}";
                if (!userHeader) user = null; // Anthropic's body has no 'user'
                fails = false;
            }
            default -> { body = chat("ok", false, userField + ",\"metadata\":{\"team\":\"a\"},\"task\":\"coding\""); fails = false; }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + c.key()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null && userHeader) b.header("x-tollgate-user", user);
        HttpResponse<String> res = TestGateway.send(b.build());
        boolean poorAccount = c.key().equals(poorKey);
        if (poorAccount && scenario != 2) fails = true; // every paid model is refused (402) before any call
        // a cut stream is 200 with an in-band error, or 502 once its breaker opened: a failure either way
        if (!fails && res.statusCode() != 200) throw new AssertionError("scenario " + scenario + ": " + res.statusCode() + " " + res.body());
        if (fails && scenario != 6 && res.statusCode() < 400) throw new AssertionError("scenario " + scenario + " did not fail");
        c.sent().requests.incrementAndGet();
        if (fails) c.sent().failed.incrementAndGet();
        if (user != null) c.sent().byUser.computeIfAbsent(user, k -> new AtomicLong()).incrementAndGet();
    }

    private volatile String poorKey;

    private static String chat(String model, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Write a function that adds two numbers\"}]}";
    }

    private Socket openStreamAndReadFirstChunk(String key) throws Exception {
        Socket s = new Socket("127.0.0.1", gw.server.port());
        String body = chat("gated", true, "");
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains("data: ")) {
            int ch = in.read();
            if (ch < 0) throw new AssertionError("stream ended early: " + seen);
            seen.append((char) ch);
        }
        return s;
    }

    private long ledgerCharges(String accountId) {
        long total = 0;
        String cursor = null;
        do {
            HistoryPage page = gw.gateway.ledger().history(accountId, 1000, cursor);
            for (HistoryEntry e : page.data()) if (e.type().equals("charge")) total += -e.amountMicros();
            cursor = page.next();
        } while (cursor != null);
        return total;
    }

    private static long sumCredits(JsonNode map) {
        long sum = 0;
        for (JsonNode v : map) sum += Credits.micros(v.asText());
        return sum;
    }

    private static String keyOf(List<Caller> callers, String accountId) {
        return callers.stream().filter(c -> c.accountId().equals(accountId)).findFirst().orElseThrow().key();
    }
}
