#!/usr/bin/env bash
# Gateway overhead (DESIGN.md "Performance budget"): in ONE run, load the mock upstream directly and
# through Tollgate with wrk, and print requests/s, p50/p99, the added p50 and the throughput ratio.
#
#   bench/gateway-overhead.sh
#
# Environment (all optional):
#   BENCH_DURATION=10s    measured time per point        BENCH_WARMUP=3s   warm-up per point (discarded)
#   BENCH_WORDS=16        words in each mock answer      BENCH_JFR=FILE    record a JFR profile of the gateway
#   GATEWAY_JAVA_OPTS=... JVM flags for Tollgate          MOCK_JAVA_OPTS=... JVM flags for the mock upstream
#   BENCH_TTFB_REQUESTS=200  sequential curl requests for the streaming time-to-first-byte probe
#   BENCH_UPSTREAM_CLIENT=helidon  server.upstream_client of the gateway (jdk | helidon)
# Points: c1 and c32 bill every request (hold + settle in the SQLite ledger); the "-free" points ask
# for the same upstream under a `price: free` model, so no ledger write happens: billing off.
# Raw wrk output, curl timings and server logs go to bench/results/<timestamp>/ (git-ignored).
# What the figures mean and the latest results: docs/performance.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
duration="${BENCH_DURATION:-10s}"
warmup="${BENCH_WARMUP:-3s}"
words="${BENCH_WORDS:-16}"
startup_wait_s=60
out="$repo/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
tmp="$(mktemp -d)"
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

log() { echo "[bench] $*" >&2; }

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- tools -----------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y wrk >/dev/null; }
fi
log "building the jar (if stale)"
"$repo/tollgate" --help >/dev/null
# Run a private copy: a rebuild of target/ during the run must not pull classes from under the JVMs.
cp "$repo/target/tollgate.jar" "$tmp/tollgate.jar"
export TOLLGATE_JAR="$tmp/tollgate.jar"

# --- servers ---------------------------------------------------------------------------------
# Both servers bind port 0 and print the port they got, so there is no free-port race.
wait_for_port() { # $1 = log file, $2 = regex before the port; prints the port
  local i port
  for ((i = 0; i < startup_wait_s * 10; i++)); do
    port="$(grep -oE "$2[0-9]+" "$1" 2>/dev/null | head -1 | grep -oE '[0-9]+$' || true)"
    if [ -n "$port" ]; then echo "$port"; return; fi
    sleep 0.1
  done
  log "server did not start; log $1:"; cat "$1" >&2; exit 1
}

wait_for_200() { # $1 = url, $2 = API key
  local i
  for ((i = 0; i < startup_wait_s * 10; i++)); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
        -d '{"model":"bench-model","messages":[{"role":"user","content":"hi"}]}' "$1")" = 200 ]; then return; fi
    sleep 0.1
  done
  log "$1 never answered 200"; exit 1
}

JAVA_OPTS="${MOCK_JAVA_OPTS:-}" "$repo/tollgate" mock-upstream --port 0 --words "$words" >"$out/mock.log" 2>&1 &
mock_pid=$!
pids+=("$mock_pid")
mock_port="$(wait_for_port "$out/mock.log" 'listening on http://127.0.0.1:')"

cat >"$tmp/config.yaml" <<EOF
server:
  upstream_client: ${BENCH_UPSTREAM_CLIENT:-helidon}
providers:
  - name: upstream
    type: openai
    base_url: http://127.0.0.1:$mock_port/v1
    api_key: bench
models:
  - name: bench-model
    provider: upstream
    price: { input: 0.15, output: 0.60 }
  - name: bench-free
    provider: upstream
    upstream: bench-model
    price: free
EOF
data="$tmp/data"
account="$("$repo/tollgate" accounts create bench --credits 100000000 --config "$tmp/config.yaml" --data "$data" 2>>"$out/cli.log")"
key="$("$repo/tollgate" keys create "$account" --rpm 1000000000 --config "$tmp/config.yaml" --data "$data" 2>>"$out/cli.log")"

gateway_opts="${GATEWAY_JAVA_OPTS:-}"
if [ -n "${BENCH_JFR:-}" ]; then
  gateway_opts="$gateway_opts -XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile"
fi
JAVA_OPTS="$gateway_opts" "$repo/tollgate" serve --config "$tmp/config.yaml" --data "$data" --port 0 >"$out/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
gateway_port="$(wait_for_port "$out/gateway.log" 'Tollgate listening on http://127.0.0.1:')"

direct="http://127.0.0.1:$mock_port/v1/chat/completions"
via="http://127.0.0.1:$gateway_port/v1/chat/completions"
wait_for_200 "$direct" "$key"
wait_for_200 "$via" "$key"
log "mock upstream :$mock_port, Tollgate :$gateway_port, gateway JAVA_OPTS='${gateway_opts# }'"

# --- load ------------------------------------------------------------------------------------
# CPU time (user + system, in clock ticks) a process has used so far: fields 14 and 15 of
# /proc/PID/stat. The launcher execs java, so the pid we started is the JVM.
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
ticks_per_s="$(getconf CLK_TCK)"

# measure NAME THREADS CONNECTIONS STREAM URL [MODEL]: warm up, then measure; keeps the RESULT line.
declare -A result
measure() {
  local name="$1" threads="$2" conns="$3" stream="$4" url="$5"
  export BENCH_MODEL="${6:-bench-model}"
  log "$name: warm-up $warmup, then $duration (-t$threads -c$conns)"
  BENCH_KEY="$key" BENCH_STREAM="$stream" wrk -t"$threads" -c"$conns" -d"$warmup" -s "$here/chat.lua" "$url" >/dev/null
  local mock0 gw0
  mock0="$(cpu_ticks "$mock_pid")" gw0="$(cpu_ticks "$gateway_pid")"
  BENCH_KEY="$key" BENCH_STREAM="$stream" wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$here/chat.lua" "$url" \
    >"$out/$name.txt"
  result[$name]="$(grep '^RESULT ' "$out/$name.txt") mock_ticks=$(($(cpu_ticks "$mock_pid") - mock0))"
  result[$name]+=" gateway_ticks=$(($(cpu_ticks "$gateway_pid") - gw0))"
}


# The gateway gets one longer warm-up first so the JIT has compiled the whole request path.
log "JIT warm-up through Tollgate (10s, c=32)"
BENCH_KEY="$key" wrk -t2 -c32 -d10s -s "$here/chat.lua" "$via" >/dev/null

for point in "c1 1 1 0 bench-model" "c1-free 1 1 0 bench-free" "c32 2 32 0 bench-model" "c32-free 2 32 0 bench-free" \
    "stream-c1 1 1 1 bench-model"; do
  read -r name threads conns stream model <<<"$point"
  measure "$name-direct" "$threads" "$conns" "$stream" "$direct" "$model"
  measure "$name-via" "$threads" "$conns" "$stream" "$via" "$model"
done

# Time to first byte of a stream, which wrk cannot see: curl with one kept-alive connection,
# BENCH_TTFB_REQUESTS sequential requests, median of time_starttransfer (first response byte).
ttfb_requests="${BENCH_TTFB_REQUESTS:-200}"
ttfb_run() { # $1 = url, $2 = raw output file: one "status ttfb_s total_s" line per request
  local args=() i
  for ((i = 0; i < ttfb_requests; i++)); do args+=(-o /dev/null "$1"); done
  curl -s -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d '{"model":"bench-model","messages":[{"role":"user","content":"Say hello in five words."}],"stream":true}' \
      -w '%{http_code} %{time_starttransfer} %{time_total}\n' "${args[@]}" >"$2"
}
median_ms() { # $1 = file, $2 = column (seconds); prints the median in ms
  sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { printf "%.3f", 1000 * v[int((NR + 1) / 2)] }'
}
log "stream TTFB: $ttfb_requests sequential curl requests each, direct and via"
ttfb_run "$direct" "$out/ttfb-direct.txt"
ttfb_run "$via" "$out/ttfb-via.txt"

# --- table -----------------------------------------------------------------------------------
field() { # $1 = RESULT line, $2 = field name
  sed -nE "s/.*[ ]$2=([^ ]+).*/\1/p" <<<"$1"
}

echo
echo "Gateway overhead: wrk -d$duration (after $warmup warm-up), mock answer $words words, $(nproc) cores"
printf '%-10s | %10s %9s %9s | %10s %9s %9s | %12s %8s | %10s %10s | %s\n' \
  point "direct r/s" "p50 ms" "p99 ms" "via r/s" "p50 ms" "p99 ms" "added p50 ms" "via/dir" \
  "gw CPU/req" "mock CPU/req" "errors (http/socket) direct, via"
failed=0
for name in c1 c1-free c32 c32-free stream-c1; do
  d="${result[$name-direct]}" v="${result[$name-via]}"
  errors="$(field "$d" status_errors)/$(field "$d" socket_errors), $(field "$v" status_errors)/$(field "$v" socket_errors)"
  [ "$errors" = "0/0, 0/0" ] || failed=1
  awk -v n="$name" -v dr="$(field "$d" rps)" -v d50="$(field "$d" p50_ms)" -v d99="$(field "$d" p99_ms)" \
      -v vr="$(field "$v" rps)" -v v50="$(field "$v" p50_ms)" -v v99="$(field "$v" p99_ms)" -v err="$errors" \
      -v vn="$(field "$v" requests)" -v gw="$(field "$v" gateway_ticks)" -v mk="$(field "$v" mock_ticks)" -v hz="$ticks_per_s" 'BEGIN {
    # CPU per request in microseconds, from the via run: the gateway JVM and the mock JVM.
    printf "%-10s | %10.0f %9.3f %9.3f | %10.0f %9.3f %9.3f | %12.3f %7.1f%% | %7.0f us %7.0f us | %s\n",
      n, dr, d50, d99, vr, v50, v99, v50 - d50, 100 * vr / dr, 1e6 * gw / hz / vn, 1e6 * mk / hz / vn, err }'
done
echo "stream-c1 latency is the whole request (until the last SSE event), not time to first byte."
awk -v n="$ttfb_requests" -v td="$(median_ms "$out/ttfb-direct.txt" 2)" -v tv="$(median_ms "$out/ttfb-via.txt" 2)" \
    -v ad="$(median_ms "$out/ttfb-direct.txt" 3)" -v av="$(median_ms "$out/ttfb-via.txt" 3)" \
    -v bad="$(cat "$out"/ttfb-*.txt | grep -vc '^200 ' || true)" 'BEGIN {
  printf "stream TTFB (curl, %d sequential on one connection, median): direct %.3f ms, via %.3f ms, added %.3f ms\n", n, td, tv, tv - td
  printf "  whole stream (curl, median): direct %.3f ms, via %.3f ms; non-200 answers: %d\n", ad, av, bad }'
echo "load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU/req: user+system CPU of the gateway JVM and of the mock JVM during the via run, per request."
echo "errors: http = responses with status >= 400 (wrk's count), socket = connect+read+write+timeout."
echo "raw output: $out"
[ "$(cat "$out"/ttfb-*.txt | grep -vc '^200 ' || true)" = 0 ] || failed=1
[ "$failed" = 0 ] || { log "ERRORS: some requests failed (see raw output)"; exit 1; }
