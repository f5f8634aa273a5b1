package dev.tollgate.limits.quota;

/**
 * The Lua scripts of {@link RedisQuotas}; each runs atomically in Redis, so one reserve of several
 * claims is one round trip and no other replica sees half of it. Time comes from Redis's own
 * {@code TIME}: the replicas' clocks never decide an expiry.
 *
 * <p>Keys of one month (all in one hash slot): {@code U} used (hash counter field → settled),
 * {@code H} held (hash field → sum of open reservations), {@code R} reservations (hash id → one
 * line "amount field" per claim, or "done" once resolved), {@code E} expiries (sorted set id →
 * expiry, ms of Redis time).
 *
 * <p>Amounts stay decimal strings from Java to {@code HINCRBY} ({@code '-' .. amount} to subtract):
 * Lua numbers are doubles, which would print large values in exponent form and zero as "-0", both
 * of which {@code HINCRBY} rejects.
 */
final class QuotaScripts {
    private QuotaScripts() {}

    /** Releases up to 100 expired reservations (and forgets old "done" markers). KEYS as above. */
    private static final String PURGE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 100)
            for _, rid in ipairs(expired) do
              local v = redis.call('HGET', KEYS[3], rid)
              if v and v ~= 'done' then
                for amt, f in string.gmatch(v, '(%d+) ([^\\n]+)') do
                  if amt ~= '0' then redis.call('HINCRBY', KEYS[2], f, '-' .. amt) end
                end
              end
              redis.call('HDEL', KEYS[3], rid)
            end
            if #expired > 0 then redis.call('ZREM', KEYS[4], unpack(expired)) end
            """;

    /**
     * KEYS: U H R E. ARGV: id, ttlMs, keysExpireAtSec, n, then per claim: field, limit, amount, seed
     * ("" = none). Answers {1} admitted; {0, claim index (1-based), used, held} refused; {-1} id
     * already in use; {-2, index...} those counters are not in Redis: read the table and call again
     * with their seeds (set only if still absent, so two replicas seeding at once count once).
     */
    static final String RESERVE = PURGE + """
            local id = ARGV[1]
            if redis.call('HEXISTS', KEYS[3], id) == 1 then return {-1} end
            local n = tonumber(ARGV[4])
            local missing = {-2}
            for i = 0, n - 1 do
              local f = ARGV[5 + i * 4]
              if redis.call('HEXISTS', KEYS[1], f) == 0 then
                local seed = ARGV[8 + i * 4]
                if seed == '' then table.insert(missing, i + 1) else redis.call('HSET', KEYS[1], f, seed) end
              end
            end
            if #missing > 1 then return missing end
            for i = 0, n - 1 do
              local f = ARGV[5 + i * 4]
              local amount = tonumber(ARGV[7 + i * 4])
              local used = tonumber(redis.call('HGET', KEYS[1], f))
              local held = tonumber(redis.call('HGET', KEYS[2], f) or '0')
              if amount > 0 and used + held + amount > tonumber(ARGV[6 + i * 4]) then
                return {0, i + 1, used, held}
              end
            end
            local lines = {}
            for i = 0, n - 1 do
              local f = ARGV[5 + i * 4]
              local amount = ARGV[7 + i * 4]
              redis.call('HINCRBY', KEYS[2], f, amount)
              table.insert(lines, amount .. ' ' .. f)
            end
            redis.call('HSET', KEYS[3], id, table.concat(lines, '\\n'))
            redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), id)
            for k = 1, 4 do redis.call('EXPIREAT', KEYS[k], ARGV[3]) end
            return {1}
            """;

    /**
     * Settle (n > 0) or release (n = 0). KEYS: U H R E. ARGV: id, doneTtlMs, keysExpireAtSec, mode,
     * n, then per claim: field, actual. Idempotent by id: the reservation becomes "done" for
     * {@code doneTtlMs} (a minute: retries come within seconds; a whole reservation TTL of markers
     * would be ~15 minutes of requests in Redis memory), so a retry after a timeout counts nothing
     * twice. Answers {} when already done, else each
     * counter's new used value (-1 for a counter not in Redis: the table has the usage and the next
     * reserve seeds it from there).
     *
     * <p>A reservation no longer in Redis: mode "live" (the settle of a reservation that expired) still
     * counts the usage, which Redis has not seen; mode "replay" (a settle sent again after Redis was
     * unreachable) does not, because Redis may have restarted and seeded the counter from the table,
     * which already has it.
     */
    static final String RESOLVE = """
            local id = ARGV[1]
            local v = redis.call('HGET', KEYS[3], id)
            if v == 'done' then return {} end
            if v then
              for amt, f in string.gmatch(v, '(%d+) ([^\\n]+)') do
                if amt ~= '0' then redis.call('HINCRBY', KEYS[2], f, '-' .. amt) end
              end
            end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), id)
            redis.call('HSET', KEYS[3], id, 'done')
            local out = {}
            local n = tonumber(ARGV[5])
            local count = v or ARGV[4] == 'live'
            for i = 0, n - 1 do
              local f = ARGV[6 + i * 2]
              if count and redis.call('HEXISTS', KEYS[1], f) == 1 then
                out[i + 1] = redis.call('HINCRBY', KEYS[1], f, ARGV[7 + i * 2])
              else
                out[i + 1] = -1
              end
            end
            for k = 1, 4 do redis.call('EXPIREAT', KEYS[k], ARGV[3]) end
            return out
            """;

    /**
     * Renews the leases of open reservations (QuotaOptions#redisLeaseMs). KEYS: R E. ARGV: n, then per reservation: id,
     * ms from now it may live. A reservation already resolved or released by a sweep is left alone (XX: never re-added).
     */
    static final String RENEW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local n = tonumber(ARGV[1])
            for i = 0, n - 1 do
              local id = ARGV[2 + i * 2]
              local v = redis.call('HGET', KEYS[1], id)
              if v and v ~= 'done' then redis.call('ZADD', KEYS[2], 'XX', now + tonumber(ARGV[3 + i * 2]), id) end
            end
            return {n}
            """;

    /**
     * KEYS: U. ARGV: keysExpireAtSec, n, then per counter: field, the table's value (used when the
     * field is absent). Sets each to 0 and answers what each held before.
     */
    static final String RESET = """
            local n = tonumber(ARGV[2])
            local out = {}
            for i = 0, n - 1 do
              local f = ARGV[3 + i * 2]
              out[i + 1] = tonumber(redis.call('HGET', KEYS[1], f) or ARGV[4 + i * 2])
              redis.call('HSET', KEYS[1], f, 0)
            end
            redis.call('EXPIREAT', KEYS[1], ARGV[1])
            return out
            """;
}
