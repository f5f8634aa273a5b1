package dev.tollgate.routing.health;

import dev.tollgate.store.RedisConnector;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The rpm limit shared by every replica: one GCRA state per provider in Redis (the "theoretical
 * arrival time", in µs of the Redis server's own clock, so replicas' clocks never disagree), updated
 * atomically by a small Lua script. Burst = {@code rpm}, steady rate = {@code rpm} per minute: the
 * same shape as {@link LocalRateLimiter}'s bucket.
 *
 * <p>When Redis cannot be reached the limit <em>fails open</em>: the call is allowed, a warning is
 * logged (at most once per {@value #WARN_EVERY_MS} ms) and {@code tollgate.provider.rpm.redis.failures}
 * counts it. Refusing every request because a counter store is down would turn a Redis outage into a
 * full gateway outage; the providers' own 429s (retryable, typed) still protect us meanwhile.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger LOG = Logger.getLogger(RedisRateLimiter.class.getName());
    static final long WARN_EVERY_MS = 10_000;
    /** After a failed connect, callers fail open at once for this long instead of each waiting on a connect. */

    /** KEYS[1]: the provider's key. ARGV[1]: rpm. ARGV[2]: "1" takes a permit, "0" only looks. */
    private static final String GCRA = """
            local limit = tonumber(ARGV[1])
            local period = 60000000
            local interval = period / limit
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
            if tat < now then tat = now end
            local remaining = math.floor((now + period - tat) / interval)
            if ARGV[2] == '0' then return {1, 0, remaining} end
            if remaining < 1 then
              return {0, math.ceil((tat + interval - period - now) / 1000), 0}
            end
            local new_tat = tat + interval
            redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
            return {1, 0, remaining - 1}
            """;

    private final RedisConnector<String> redis;
    private final String keyPrefix;
    private final Clock clock;
    private final Counter failures;
    private long nextWarnMs;

    /**
     * @param url            {@code redis://host:port[/db]}
     * @param keyPrefix      prepended to the provider name (tests use a unique one per run)
     * @param commandTimeout how long one Redis round trip may take before the call fails open
     */
    public RedisRateLimiter(String url, String keyPrefix, Duration commandTimeout, MeterRegistry metrics, Clock clock) {
        this.redis = new RedisConnector<>(url, commandTimeout, StringCodec.UTF8, clock::millis);
        this.keyPrefix = keyPrefix;
        this.clock = clock;
        this.failures = Counter.builder("tollgate.provider.rpm.redis.failures")
                .description("rpm checks that could not reach Redis and were allowed (fail open)")
                .register(metrics);
    }

    @Override
    public Decision tryAcquire(String provider, int rpm) {
        List<Long> r = run(provider, rpm, true);
        if (r == null) return Decision.allow(-1);
        return r.get(0) == 1 ? Decision.allow(r.get(2)) : Decision.refuse(r.get(1));
    }

    @Override
    public long headroom(String provider, int rpm) {
        List<Long> r = run(provider, rpm, false);
        return r == null ? -1 : r.get(2);
    }

    @Override
    public String kind() { return "redis"; }

    /** The script's answer {allowed, retry-after ms, remaining}, or null when Redis failed (fail open). */
    private List<Long> run(String provider, int rpm, boolean take) {
        try {
            StatefulRedisConnection<String, String> c = redis.connection();
            if (c == null) return failedOpen(null);
            return c.sync().eval(GCRA, ScriptOutputType.MULTI, new String[] {keyPrefix + provider},
                    Integer.toString(rpm), take ? "1" : "0");
        } catch (RuntimeException e) {
            return failedOpen(e);
        }
    }

    private List<Long> failedOpen(RuntimeException e) {
        failures.increment();
        boolean warn;
        synchronized (this) {
            long now = clock.millis();
            warn = now >= nextWarnMs;
            if (warn) nextWarnMs = now + WARN_EVERY_MS;
        }
        if (warn) {
            LOG.log(Level.WARNING, "Redis unreachable for provider rpm limits; allowing calls (fail open)"
                    + (e == null ? "" : ": " + e.getMessage()));
        }
        return null;
    }

    @Override
    public void close() {
        redis.close();
    }
}
