-- wrk script for bench/cache-hit.sh: one chat completion per request.
--   BENCH_KEY    API key          BENCH_MODEL  model (default bench-model)
--   BENCH_CACHE  "hit": the same body every time with "cache":{"ttl":600} (all hits after the first);
--                "miss": a new body every time with a TTL (a lookup that misses, a provider call, a store);
--                anything else: no cache field (the plain billed request)
local key = os.getenv("BENCH_KEY") or "bench"
local model = os.getenv("BENCH_MODEL") or "bench-model"
local mode = os.getenv("BENCH_CACHE") or "off"
local counter = 0
local thread_id = tostring(math.random(1, 1e9))

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

function request()
  local text = "Say hello in five words."
  if mode == "miss" then
    counter = counter + 1
    text = text .. " #" .. thread_id .. "-" .. counter
  end
  local cache = (mode == "hit" or mode == "miss") and ',"cache":{"ttl":600}' or ''
  local body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"' .. text .. '"}]' .. cache .. '}'
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f status_errors=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
