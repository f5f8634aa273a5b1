-- wrk script for bench/gateway-overhead.sh: POSTs one small chat completion per request and, when
-- the run ends, prints one machine-readable RESULT line for the shell script to tabulate.
--   BENCH_KEY     API key sent as "Authorization: Bearer ..." (the mock upstream ignores it)
--   BENCH_STREAM  "1" to ask for an SSE stream ("stream":true)
--   BENCH_MODEL   model to ask for (default bench-model; bench-free is the same upstream at price: free)

local key = os.getenv("BENCH_KEY") or "bench"
local stream = os.getenv("BENCH_STREAM") == "1"
local model = os.getenv("BENCH_MODEL") or "bench-model"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Say hello in five words."}]'
    .. (stream and ',"stream":true' or '') .. '}'

-- wrk reports time in microseconds; the table wants milliseconds.
function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f status_errors=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
