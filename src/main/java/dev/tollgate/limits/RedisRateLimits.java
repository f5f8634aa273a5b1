package dev.tollgate.limits;

import dev.tollgate.store.RedisConnector;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The buckets shared by every replica (with {@code redis:}). All the checks of a request are one Lua script,
 * so admission is one round trip and all or nothing across replicas:
 * <ul>
 * <li>rpm and tpm are GCRA (the "theoretical arrival time" per bucket, in µs of the Redis server's clock, so
 *     replicas' clocks never disagree): burst = limit, steady rate = limit per minute, like the local bucket;
 *     a tpm correction moves the arrival time back (or forward) by the tokens given back (or taken).</li>
 * <li>parallel slots are leases in a sorted set (member = request, score = expiry in ms). A replica renews
 *     the leases it holds every third of {@code leaseMs}; a dead replica stops renewing, so its slots expire
 *     within {@code leaseMs} (docs/limits.md).</li>
 * </ul>
 * When Redis cannot be reached the limits <em>fail open</em>: the request is admitted,
 * {@code tollgate.limits.redis.failures} counts it, and the log says so once per outage (and once when Redis
 * is back), never once per request.
 */
public final class RedisRateLimits implements RateLimits {
    private static final Logger LOG = Logger.getLogger(RedisRateLimits.class.getName());

    /**
     * ARGV: n, lease member, lease ms, then per check: kind ('r' rate, 'p' parallel), limit, amount.
     * Returns {admitted, refused index (1-based, 0 = none), retry-after ms, then per check remaining, reset ms}.
     */
    static final String TAKE = """
            local n = tonumber(ARGV[1])
            local member = ARGV[2]
            local lease = tonumber(ARGV[3])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local now_ms = math.floor(now / 1000)
            local period = 60000000
            local out = {1, 0, 0}
            local next_tat = {}
            for i = 1, n do
              local base = 3 + (i - 1) * 3
              local kind = ARGV[base + 1]
              local limit = tonumber(ARGV[base + 2])
              local amount = tonumber(ARGV[base + 3])
              if kind == 'r' then
                local interval = period / limit
                local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
                if tat < now then tat = now end
                local new_tat = tat + amount * interval
                if amount > limit then return {0, i, -1} end
                if new_tat - now > period then
                  return {0, i, math.ceil((new_tat - period - now) / 1000)}
                end
                next_tat[i] = new_tat
                out[3 + 2 * i - 1] = math.floor((now + period - new_tat) / interval)
                out[3 + 2 * i] = math.ceil((new_tat - now) / 1000)
              else
                redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now_ms)
                local held = redis.call('ZCARD', KEYS[i])
                if held >= limit then return {0, i, 1000} end
                out[3 + 2 * i - 1] = limit - held - 1
                out[3 + 2 * i] = 0
              end
            end
            for i = 1, n do
              if next_tat[i] then
                redis.call('SET', KEYS[i], string.format('%d', next_tat[i]), 'PX', math.ceil((next_tat[i] - now) / 1000) + 1)
              else
                redis.call('ZADD', KEYS[i], now_ms + lease, member)
                redis.call('PEXPIRE', KEYS[i], lease)
              end
            end
            return out
            """;

    /** ARGV: n, lease member, then per check: kind, limit, tokens back (negative: take more). */
    static final String FINISH = """
            local n = tonumber(ARGV[1])
            local member = ARGV[2]
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local period = 60000000
            for i = 1, n do
              local base = 2 + (i - 1) * 3
              local kind = ARGV[base + 1]
              local limit = tonumber(ARGV[base + 2])
              local back = tonumber(ARGV[base + 3])
              if kind == 'p' then
                redis.call('ZREM', KEYS[i], member)
              elseif back ~= 0 then
                local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
                if tat < now then tat = now end
                local new_tat = tat - back * (period / limit)
                if new_tat <= now then
                  redis.call('DEL', KEYS[i])
                else
                  redis.call('SET', KEYS[i], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
                end
              end
            end
            return 1
            """;

    /** ARGV: lease ms, then member per key; renews the leases still held (XX: never re-adds an expired one). */
    static final String RENEW = """
            local t = redis.call('TIME')
            local until_ms = math.floor((tonumber(t[1]) * 1000000 + tonumber(t[2])) / 1000) + tonumber(ARGV[1])
            for i = 1, #KEYS do
              redis.call('ZADD', KEYS[i], 'XX', until_ms, ARGV[i + 1])
              redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[1]))
            end
            return 1
            """;

    private final RedisConnector<String> redis;
    private final String keyPrefix;
    private final long leaseMs;
    private final Clock clock;
    private final Counter failures;
    private final Map<String, List<String>> leases = new ConcurrentHashMap<>(); // lease id → its slot keys
    private final ScheduledExecutorService renewer;
    private final Map<String, String> digests = new ConcurrentHashMap<>();
    private volatile boolean down;

    /**
     * @param keyPrefix      prepended to every bucket name (tests use a unique one per run)
     * @param leaseMs        how long a parallel slot outlives the last renewal of the replica holding it
     * @param commandTimeout how long one round trip may take before the request fails open
     */
    public RedisRateLimits(String url, String keyPrefix, long leaseMs, Duration commandTimeout, MeterRegistry metrics,
                           Clock clock) {
        this.redis = new RedisConnector<>(url, commandTimeout, StringCodec.UTF8, clock::millis);
        this.keyPrefix = keyPrefix;
        this.leaseMs = leaseMs;
        this.clock = clock;
        this.failures = Counter.builder("tollgate.limits.redis.failures")
                .description("Rate-limit round trips that could not reach Redis; the request was admitted (fail open)")
                .register(metrics);
        this.renewer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("limits-lease-renewer").factory());
        long everyMs = Math.max(100, leaseMs / 3);
        renewer.scheduleWithFixedDelay(this::renew, everyMs, everyMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public Taken take(List<RateCheck> checks, String leaseId) {
        return taken(checks, leaseId, run(TAKE, checks, List.of(leaseId, Long.toString(leaseMs)), c -> c.amount()));
    }

    @Override
    public CompletableFuture<Taken> takeAsync(List<RateCheck> checks, String leaseId) {
        String[][] call = call(checks, List.of(leaseId, Long.toString(leaseMs)), c -> c.amount());
        return evalAsync(TAKE, call[0], call[1]).thenApply(answer -> taken(checks, leaseId, answer));
    }

    /** The script's answer as a {@link Taken}; a null answer (Redis failed) admits: fail open. */
    private Taken taken(List<RateCheck> checks, String leaseId, List<Object> answer) {
        int n = checks.size();
        if (answer == null) return failedOpen(n);
        long admitted = (Long) answer.get(0);
        if (admitted == 0) {
            int index = (int) (long) (Long) answer.get(1) - 1;
            long retryAfterMs = (Long) answer.get(2);
            Taken refused = Taken.refused(index, retryAfterMs, n);
            refused.remaining()[index] = 0;
            refused.resetMs()[index] = Math.max(0, retryAfterMs);
            return refused;
        }
        long[] remaining = new long[n];
        long[] resetMs = new long[n];
        List<String> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            remaining[i] = (Long) answer.get(3 + 2 * i);
            resetMs[i] = (Long) answer.get(4 + 2 * i);
            if (checks.get(i).kind() == RateCheck.Kind.PARALLEL) slots.add(keyPrefix + checks.get(i).bucket());
        }
        if (!slots.isEmpty()) leases.put(leaseId, slots);
        return Taken.admitted(remaining, resetMs);
    }

    @Override
    public void finish(List<RateCheck> checks, String leaseId, long tokensBack) {
        leases.remove(leaseId);
        boolean nothingToDo = checks.stream().noneMatch(c -> c.kind() == RateCheck.Kind.PARALLEL
                || (c.kind() == RateCheck.Kind.TPM && tokensBack != 0));
        if (nothingToDo) return;
        String[][] call = call(checks, List.of(leaseId), c -> c.kind() == RateCheck.Kind.TPM ? tokensBack : 0);
        evalAsync(FINISH, call[0], call[1]); // not awaited: off the request's latency
    }

    @Override
    public String kind() { return "redis"; }

    private interface Amount {
        long of(RateCheck c);
    }

    /** One script call for all the checks; null when Redis failed (the caller fails open). */
    private List<Object> run(String script, List<RateCheck> checks, List<String> head, Amount amount) {
        String[][] call = call(checks, head, amount);
        return eval(script, call[0], call[1]);
    }

    /** The script's KEYS and ARGV: n, {@code head}, then kind, limit and amount per check. */
    private String[][] call(List<RateCheck> checks, List<String> head, Amount amount) {
        String[] keys = new String[checks.size()];
        List<String> args = new ArrayList<>(2 + head.size() + 3 * checks.size());
        args.add(Integer.toString(checks.size()));
        args.addAll(head);
        for (int i = 0; i < checks.size(); i++) {
            RateCheck c = checks.get(i);
            keys[i] = keyPrefix + c.bucket();
            args.add(c.kind() == RateCheck.Kind.PARALLEL ? "p" : "r");
            args.add(Integer.toString(c.limit()));
            args.add(Long.toString(amount.of(c)));
        }
        return new String[][] {keys, args.toArray(String[]::new)};
    }

    /**
     * Sends without blocking; the answer (null when Redis failed) completes the future, never exceptionally.
     * One connection keeps commands in order, so a finish sent before this replica's next admission is seen
     * by it.
     */
    private CompletableFuture<List<Object>> evalAsync(String script, String[] keys, String[] args) {
        StatefulRedisConnection<String, String> c;
        try {
            c = redis.connection();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(e));
        }
        if (c == null) return CompletableFuture.completedFuture(failed(null));
        // SCRIPT LOAD (one blocking round trip per script) before the first EVALSHA: a NOSCRIPT answer is resent as an
        // EVAL from the callback, after commands sent meanwhile, so a not-awaited finish could reach Redis after this
        // replica's next admission (which then missed its tokens back or its free slot)
        String digest;
        try {
            digest = digests.computeIfAbsent(script, s -> c.sync().scriptLoad(s));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(e));
        }
        CompletableFuture<List<Object>> out = new CompletableFuture<>();
        c.async().<List<Object>>evalsha(digest, ScriptOutputType.MULTI, keys, args).whenComplete((answer, e) -> {
            if (e == null) {
                recovered();
                out.complete(answer);
            } else if (e instanceof RedisNoScriptException) { // Redis restarted: this once as EVAL, loaded again next call
                digests.remove(script);
                c.async().<List<Object>>eval(script, ScriptOutputType.MULTI, keys, args).whenComplete((again, e2) ->
                        out.complete(e2 == null ? again : failed(runtime(e2))));
            } else {
                out.complete(failed(runtime(e)));
            }
        });
        return out;
    }

    /** Waits for the answer; bounded by the command timeout, after which it reads as a failure (null). */
    private List<Object> eval(String script, String[] keys, String[] args) {
        return evalAsync(script, keys, args).join();
    }

    private static RuntimeException runtime(Throwable e) {
        return e instanceof RuntimeException r ? r : new RuntimeException(e);
    }

    private void renew() {
        if (leases.isEmpty()) return;
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(leaseMs));
        leases.forEach((member, slotKeys) -> slotKeys.forEach(k -> {
            keys.add(k);
            args.add(member);
        }));
        eval(RENEW, keys.toArray(String[]::new), args.toArray(String[]::new));
    }

    private Taken failedOpen(int checks) {
        long[] unknown = new long[checks];
        java.util.Arrays.fill(unknown, -1);
        return Taken.admitted(unknown, unknown.clone());
    }

    private List<Object> failed(RuntimeException e) {
        failures.increment();
        boolean first;
        synchronized (this) {
            first = !down;
            down = true;
        }
        if (first) {
            LOG.log(Level.WARNING, "Redis unreachable for rate limits (rpm, tpm, max_parallel); admitting requests"
                    + " without them until it is back (fail open)" + (e == null ? "" : ": " + e.getMessage()));
        }
        return null;
    }

    private void recovered() {
        if (!down) return; // the common case: one volatile-free read, no lock
        synchronized (this) {
            if (!down) return;
            down = false;
        }
        LOG.info("Redis reachable again: rate limits are shared by every replica again");
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        redis.close();
    }
}
