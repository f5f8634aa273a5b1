package dev.tollgate.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scale-out soak (docs/operations.md "Soak"): N gateway processes on one PostgreSQL schema and one
 * Redis, clients rotating over them like a round-robin balancer, mixed traffic, and midway a kill -9 of
 * one replica (restarted), a Redis restart (kill -9, no persistence) and a PostgreSQL pause (a proxy
 * that holds every byte). Then {@link SoakChecks} asserts the invariants; the exit code is the number
 * of violated checks (0 = all hold). {@code bench/soak.sh} runs it for minutes, {@code SoakTest} for ≤ 60 s.
 */
public final class Soak {
    static final String ADMIN_TOKEN = "soak-admin-token-0123456789abcdef";
    static final long HOLD_TTL_MS = 5_000;
    static final double HIT_PRICE = 0.5;
    static final int RPM_KEY_LIMIT = 10;
    static final int TPM_KEY_LIMIT = 300;
    static final int PARALLEL_KEY_LIMIT = 2;
    static final int METERED_MESSAGES = 20;
    static final long POOR_CREDITS_MICROS = 800_000;

    /** What to run: seconds of traffic, concurrent clients, replicas, where PostgreSQL and redis-server are. */
    public record Options(int durationS, int clients, int replicas, String pgUrl, int pgPort, String redisServer,
                          int redisPort, Path workDir) {
        /** PostgreSQL from {@code -Dsoak.pg} (a JDBC URL with a query string), else the test database on 127.0.0.1:5432. */
        public static Options defaults(Path workDir) {
            String pg = System.getProperty("soak.pg", "jdbc:postgresql://127.0.0.1:5432/tollgate_test?user=postgres");
            java.util.regex.Matcher port = java.util.regex.Pattern.compile("//[^/:]+:(\\d+)/").matcher(pg);
            return new Options(180, 12, 3, pg, port.find() ? Integer.parseInt(port.group(1)) : 5432, "redis-server", 6390, workDir);
        }
    }

    /** Fault times (epoch ms) the checks need; 0 = did not happen. */
    static final class Timeline {
        volatile long killAt, victimHoldsReleasedAt, restartedAt, redisDownAt, redisUpAt, pgPauseAt, pgResumeAt;
        volatile int victimOpenHolds;
        volatile int victimOpenSlices = -1;
        volatile int victim = -1;
    }

    final Options options;
    final Timeline timeline = new Timeline();
    final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    final List<Replica> replicas = new ArrayList<>();
    final AtomicLong markers = new AtomicLong(1);
    final AtomicInteger rotation = new AtomicInteger();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    String schemaUrl;
    String mainKey, poorKey, meteredKey, rpmKey, tpmKey, parallelKey;
    String poorAccount, meteredAccount;
    SoakUpstream upstream;
    OwnRedis redis;
    long trafficStartMs, trafficEndMs;
    volatile boolean stopping;

    Soak(Options options) {
        this.options = options;
    }

    /** Held strongly: JUL keeps loggers weakly, and a collected logger forgets its level. */
    private static final java.util.logging.Logger QUIET_POOL = java.util.logging.Logger.getLogger("com.zaxxer.hikari");

    public static void main(String[] args) throws Exception {
        QUIET_POOL.setLevel(java.util.logging.Level.WARNING); // the checks open the store: no pool start-up chatter
        Options o = Options.defaults(Path.of(System.getProperty("soak.dir", "target/soak")));
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--duration-s" -> o = new Options(Integer.parseInt(args[i + 1]), o.clients(), o.replicas(), o.pgUrl(), o.pgPort(), o.redisServer(), o.redisPort(), o.workDir());
                case "--clients" -> o = new Options(o.durationS(), Integer.parseInt(args[i + 1]), o.replicas(), o.pgUrl(), o.pgPort(), o.redisServer(), o.redisPort(), o.workDir());
                case "--redis-port" -> o = new Options(o.durationS(), o.clients(), o.replicas(), o.pgUrl(), o.pgPort(), o.redisServer(), Integer.parseInt(args[i + 1]), o.workDir());
                case "--dir" -> o = new Options(o.durationS(), o.clients(), o.replicas(), o.pgUrl(), o.pgPort(), o.redisServer(), o.redisPort(), Path.of(args[i + 1]));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--duration-s, --clients, --redis-port, --dir)");
            }
        }
        System.exit(run(o));
    }

    /** Runs the whole soak; returns the number of violated checks (0: all hold). */
    public static int run(Options options) throws Exception {
        return new Soak(options).go();
    }

    private int go() throws Exception {
        Files.createDirectories(options.workDir());
        String schema = "soak_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(options.pgUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        schemaUrl = options.pgUrl() + "&currentSchema=" + schema;
        log("schema " + schema + ", work dir " + options.workDir().toAbsolutePath());
        try (SoakUpstream up = new SoakUpstream();
             OwnRedis r = new OwnRedis(options.redisServer(), options.redisPort(), Files.createDirectories(options.workDir().resolve("redis")));
             PausableProxy pg = new PausableProxy(options.pgPort())) {
            upstream = up;
            redis = r;
            redis.start();
            Path config = writeConfig(pg.port());
            for (int i = 0; i < options.replicas(); i++) replicas.add(new Replica(i, config, options.workDir().resolve("replica-" + i), ADMIN_TOKEN));
            for (Replica rep : replicas) rep.start();
            log(options.replicas() + " replicas up: " + replicas.stream().map(Replica::baseUrl).toList());
            setUp();
            try {
                traffic(pg);
                return new SoakChecks(this).runAndPrint(); // while the replicas run: they expire holds
            } finally {
                for (Replica rep : replicas) rep.stop();
            }
        }
    }

    private Path writeConfig(int pgProxyPort) throws IOException {
        String store = schemaUrl.replace(":" + options.pgPort() + "/", ":" + pgProxyPort + "/");
        String yaml = """
                store: %s
                redis: %s
                credits: { hold_ttl_ms: %d, replica_lease_ms: 5000 }
                server: { upstream_timeout_ms: 5000, stream_idle_timeout_ms: 3000 }
                limits: { default_rpm: 0, redis_timeout_ms: 1000, parallel_lease_ms: 5000 }
                cache: { hit_price: %s }
                alerts:
                  thresholds: [50, 80, 100]
                  webhook_url: %s
                  webhook_secret: whsec_c29hay1zb2FrLXNvYWstc29hay1zb2FrLXNvYWstc29haw==
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-soak-provider-key-0123456789 }
                models:
                  - { name: ok, provider: fake, price: { input: 1, output: 2 } }
                  - { name: slow, provider: fake, price: { input: 1, output: 2 } }
                  - { name: broken, provider: fake, price: { input: 1, output: 2 } }
                  - { name: flaky, provider: fake, price: { input: 1, output: 2 } }
                aliases:
                  fallback: [broken, ok]
                  resilient: [flaky, ok]
                plans:
                  metered: { monthly: { messages: %d } }
                """.formatted(store, redis.url(), HOLD_TTL_MS, HIT_PRICE, upstream.webhookUrl(), upstream.baseUrl(),
                METERED_MESSAGES);
        Path file = options.workDir().resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private void setUp() throws Exception {
        String main = account("{\"name\":\"main\",\"credits\":100000}");
        poorAccount = account("{\"name\":\"poor\",\"credits\":" + POOR_CREDITS_MICROS / 1_000_000.0 + "}");
        meteredAccount = account("{\"name\":\"metered\",\"credits\":1000,\"plan\":\"metered\"}");
        mainKey = key(main, "{\"name\":\"main\"}");
        poorKey = key(poorAccount, "{\"name\":\"poor\"}");
        meteredKey = key(meteredAccount, "{\"name\":\"metered\"}");
        rpmKey = key(main, "{\"name\":\"rpm\",\"rpm\":" + RPM_KEY_LIMIT + "}");
        tpmKey = key(main, "{\"name\":\"tpm\",\"tpm\":" + TPM_KEY_LIMIT + "}");
        parallelKey = key(main, "{\"name\":\"parallel\",\"max_parallel\":" + PARALLEL_KEY_LIMIT + "}");
        String warm = key(account("{\"name\":\"warm-up\",\"credits\":10,\"plan\":\"metered\"}"), "{\"name\":\"warm-up\"}");
        for (Replica r : replicas) {
            r.warmUpKey = warm;
            r.warmUpNow();
        }
    }

    private String account(String body) throws Exception {
        return admin("/admin/accounts", body).path("id").asText();
    }

    private String key(String account, String body) throws Exception {
        return admin("/admin/accounts/" + account + "/keys", body).path("key").asText();
    }

    private JsonNode admin(String path, String body) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(replicas.get(0).baseUrl() + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) throw new IllegalStateException(path + " answered " + res.statusCode() + ": " + res.body());
        return Json.MAPPER.readTree(res.body());
    }

    // --- traffic ------------------------------------------------------------------------------

    private void traffic(PausableProxy pg) throws Exception {
        trafficStartMs = System.currentTimeMillis();
        long endMs = trafficStartMs + options.durationS() * 1000L;
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < options.clients(); i++) {
            clients.add(Thread.ofVirtual().name("soak-client-" + i).start(() -> {
                while (!stopping && System.currentTimeMillis() < endMs) oneRequest();
            }));
        }
        Faults faults = new Faults(this, pg);
        faults.run(trafficStartMs, endMs);
        for (Thread t : clients) t.join();
        trafficEndMs = System.currentTimeMillis();
        log("traffic done: " + outcomes.size() + " requests in " + (trafficEndMs - trafficStartMs) / 1000 + " s");
    }

    private static final Outcome.Kind[] MIX = {
            Outcome.Kind.PLAIN, Outcome.Kind.STREAM, Outcome.Kind.PLAIN, Outcome.Kind.FALLBACK, Outcome.Kind.CACHED,
            Outcome.Kind.STREAM, Outcome.Kind.POOR, Outcome.Kind.METERED, Outcome.Kind.RPM_KEY, Outcome.Kind.PLAIN,
            Outcome.Kind.FLAKY, Outcome.Kind.TPM_KEY, Outcome.Kind.CACHED, Outcome.Kind.DISCONNECT, Outcome.Kind.PARALLEL_KEY,
            Outcome.Kind.POOR, Outcome.Kind.STREAM, Outcome.Kind.RPM_KEY, Outcome.Kind.METERED, Outcome.Kind.PLAIN};

    /** The marker of a cached request: one of five fixed prompts, so repeats hit. */
    static long cacheMarker(long n) {
        return 1_000_000_000L + n % 5;
    }

    void oneRequest() {
        long n = markers.getAndIncrement();
        Outcome.Kind kind = MIX[(int) (n % MIX.length)];
        String key;
        String model = "ok";
        boolean stream = false;
        long marker = n;
        String extra = "";
        switch (kind) {
            case STREAM -> { key = mainKey; stream = true; }
            case FALLBACK -> { key = mainKey; model = "fallback"; stream = n % 2 == 0; }
            case FLAKY -> { key = mainKey; model = "resilient"; }
            case CACHED -> { key = mainKey; marker = cacheMarker(n); extra = ",\"cache\":{\"ttl\":3600}"; }
            case DISCONNECT -> { key = mainKey; model = "slow"; stream = true; }
            case POOR -> { key = poorKey; extra = ",\"max_tokens\":20"; }
            case METERED -> { key = meteredKey; }
            case RPM_KEY -> { key = rpmKey; }
            case TPM_KEY -> { key = tpmKey; extra = ",\"max_tokens\":20"; }
            case PARALLEL_KEY -> { key = parallelKey; model = "slow"; stream = true; }
            default -> key = mainKey;
        }
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say something [soak-" + marker + "]\"}]" + extra + "}";
        send(n, marker, kind, key, body, stream);
    }

    private void send(long n, long marker, Outcome.Kind kind, String key, String body, boolean stream) {
        for (int tries = 0; tries < replicas.size(); tries++) {
            int idx = Math.floorMod(rotation.getAndIncrement(), replicas.size());
            String base = replicas.get(idx).baseUrl();
            if (base == null) continue; // the balancer knows it is down
            long start = System.currentTimeMillis();
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(40)).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                String requestId = res.headers().firstValue("x-request-id").orElse(null);
                String cache = res.headers().firstValue("x-tollgate-cache").orElse(null);
                String text;
                boolean disconnected = false;
                try (InputStream in = res.body()) {
                    if (kind == Outcome.Kind.DISCONNECT && res.statusCode() == 200) {
                        byte[] first = in.readNBytes(64); // the role chunk has arrived: hang up
                        text = new String(first, StandardCharsets.UTF_8);
                        disconnected = true;
                    } else {
                        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
                int status = disconnected ? -1 : res.statusCode();
                boolean completed = status == 200 && (!stream || text.endsWith("data: [DONE]\n\n"));
                outcomes.add(new Outcome(marker, kind, idx, status, requestId, errorCode(text, status), completed, cache,
                        start, System.currentTimeMillis(), completed ? tokens(text) : 0));
                return;
            } catch (ConnectException refused) {
                // the replica died between the check and the connect: the balancer tries the next one
            } catch (IOException broken) {
                outcomes.add(new Outcome(marker, kind, idx, -1, null, "connection_broken", false, null, start,
                        System.currentTimeMillis(), 0));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        sleepQuietly(50); // every replica down at this instant
    }

    private static String errorCode(String text, int status) {
        if (status == 200 || status == -1) return null;
        JsonNode error = Json.parseOrNull(text.getBytes(StandardCharsets.UTF_8));
        return error == null ? "unparsed" : error.path("error").path("code").asText("none");
    }

    /** Prompt + completion tokens the answer reported (last usage object in a stream). */
    private static long tokens(String text) {
        int at = text.lastIndexOf("\"total_tokens\":");
        if (at < 0) return 0;
        int from = at + "\"total_tokens\":".length();
        int to = from;
        while (to < text.length() && Character.isDigit(text.charAt(to))) to++;
        return to > from ? Long.parseLong(text.substring(from, to)) : 0;
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void log(String line) {
        System.out.printf(Locale.ROOT, "[soak %tT] %s%n", System.currentTimeMillis(), line);
    }

}
