#!/usr/bin/env bash
# Response-cache throughput (docs/caching.md): in ONE run, with wrk at c=32, the mock upstream directly, nginx as a
# plain reverse proxy to it (the practical limit of a proxy on this machine, DESIGN.md), nginx answering from its own
# proxy_cache, Tollgate with the cache off (a plain billed request), Tollgate with a cache miss on every request
# (lookup, provider call, store) and Tollgate answering every request from the cache (a hit: no provider call, free
# hit price). nginx runs in the foreground from a temp dir with bench/nginx-proxy.conf (never as a service).
#
#   bench/cache-hit.sh
#
# Environment (all optional):
#   BENCH_DURATION=10s    measured time per point        BENCH_WARMUP=3s   warm-up per point (discarded)
#   BENCH_WORDS=16        words in each mock answer      BENCH_JFR=FILE    record a JFR profile of the gateway
#   GATEWAY_JAVA_OPTS=... JVM flags for Tollgate          MOCK_JAVA_OPTS=... JVM flags for the mock upstream
#   BENCH_UPSTREAM_CLIENT=lean  server.upstream_client of the gateway (lean | helidon | jdk)
# Every point through Tollgate is billed (bench-model): a miss and "off" hold and settle in the SQLite ledger; a
# free hit (cache.hit_price 0) moves no credits.
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
if ! command -v nginx >/dev/null; then
  log "installing nginx (Debian package; run here as a foreground process, not a service)"
  apt-get install -y -qq nginx >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
nginx_port="$(free_port)"
nginx_cache_port="$(free_port)"
mkdir -p "$tmp/nginx"
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@PORT@|$nginx_port|g" -e "s|@CACHE_PORT@|$nginx_cache_port|g" \
    -e "s|@UPSTREAM@|127.0.0.1:$mock_port|g" "$here/nginx-proxy.conf" >"$tmp/nginx/nginx.conf"
nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$out/nginx.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")

cat >"$tmp/config.yaml" <<EOF
server:
  upstream_client: ${BENCH_UPSTREAM_CLIENT:-lean}
limits: { default_rpm: 0 }
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
nginx_url="http://127.0.0.1:$nginx_port/v1/chat/completions"
nginx_cache_url="http://127.0.0.1:$nginx_cache_port/v1/chat/completions"
wait_for_200 "$direct" "$key"
wait_for_200 "$via" "$key"
wait_for_200 "$nginx_url" "$key"
wait_for_200 "$nginx_cache_url" "$key"
log "mock upstream :$mock_port, nginx :$nginx_port (cache :$nginx_cache_port), Tollgate :$gateway_port, gateway JAVA_OPTS='${gateway_opts# }'"

# --- load ---------------------------------------------------------------------------------
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_s="$(getconf CLK_TCK)"
declare -A result
measure() { # NAME URL CACHE-MODE PROXY-PID (whose CPU is counted; "-" for none)
  local name="$1" url="$2" mode="$3" pid="$4" t0=0
  log "$name: warm-up $warmup, then $duration (-t2 -c32)"
  BENCH_KEY="$key" BENCH_CACHE="$mode" wrk -t2 -c32 -d"$warmup" -s "$here/cache.lua" "$url" >/dev/null
  [ "$pid" = - ] || t0="$(cpu_ticks "$pid")"
  BENCH_KEY="$key" BENCH_CACHE="$mode" wrk -t2 -c32 -d"$duration" --latency -s "$here/cache.lua" "$url" >"$out/$name.txt"
  local ticks=-1
  [ "$pid" = - ] || ticks=$(($(cpu_ticks "$pid") - t0))
  result[$name]="$(grep '^RESULT ' "$out/$name.txt") proxy_ticks=$ticks"
}

log "JIT warm-up through Tollgate (10s, c=32, hits and misses)"
BENCH_KEY="$key" BENCH_CACHE=miss wrk -t2 -c32 -d5s -s "$here/cache.lua" "$via" >/dev/null
BENCH_KEY="$key" BENCH_CACHE=hit wrk -t2 -c32 -d5s -s "$here/cache.lua" "$via" >/dev/null

measure direct "$direct" off -
measure nginx "$nginx_url" off "$nginx_pid"
measure nginx-cache "$nginx_cache_url" hit "$nginx_pid"
measure off "$via" off "$gateway_pid"
measure miss "$via" miss "$gateway_pid"
measure hit "$via" hit "$gateway_pid"
nginx_hits="$(curl -s -o /dev/null -D - -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"model":"bench-model","messages":[{"role":"user","content":"Say hello in five words."}],"cache":{"ttl":600}}' \
  "$nginx_cache_url" | tr -d '\r' | sed -n 's/^x-nginx-cache: //Ip')"
calls="$(curl -s "http://127.0.0.1:$gateway_port/metrics" | grep -E '^tollgate_cache_requests_total' || true)"

field() { sed -nE "s/.*[ ]$2=([^ ]+).*/\1/p" <<<"$1"; }
echo
echo "Response cache: wrk -t2 -c32 -d$duration (after $warmup warm-up), mock answer $words words, $(nproc) cores"
printf '%-11s | %10s %9s %9s | %9s %9s | %12s | %s\n' point "r/s" "p50 ms" "p99 ms" "vs direct" "vs nginx" "proxy CPU/req" "errors http/socket"
failed=0
direct_rps="$(field "${result[direct]}" rps)"
nginx_rps="$(field "${result[nginx]}" rps)"
for name in direct nginx nginx-cache off miss hit; do
  r="${result[$name]}"
  errors="$(field "$r" status_errors)/$(field "$r" socket_errors)"
  [ "$errors" = "0/0" ] || failed=1
  awk -v n="$name" -v rps="$(field "$r" rps)" -v p50="$(field "$r" p50_ms)" -v p99="$(field "$r" p99_ms)" -v d="$direct_rps" \
      -v ng="$nginx_rps" -v t="$(field "$r" proxy_ticks)" -v reqs="$(field "$r" requests)" -v hz="$ticks_per_s" -v err="$errors" 'BEGIN {
    cpu = (t < 0) ? "-" : sprintf("%.0f us", 1e6 * t / hz / reqs)
    printf "%-11s | %10.0f %9.3f %9.3f | %8.1f%% %8.1f%% | %12s | %s\n", n, rps, p50, p99, 100 * rps / d, 100 * rps / ng, cpu, err }'
done
echo "off = no cache field (billed request); miss = a new body each time with a TTL; hit = the same body, free hits."
echo "nginx = plain reverse proxy to the mock; nginx-cache = nginx answering the same body from its proxy_cache (last: $nginx_hits)."
awk -v hit="$(field "${result[hit]}" rps)" -v ng="$nginx_rps" -v ngc="$(field "${result[nginx-cache]}" rps)" \
    -v off="$(field "${result[off]}" rps)" 'BEGIN {
  printf "RATIOS tollgate_hit/nginx_proxy=%.2f tollgate_hit/nginx_cache_hit=%.2f tollgate_hit/tollgate_off=%.2f\n", hit / ng, hit / ngc, hit / off }'
echo "gateway cache counters: $(tr '\n' ' ' <<<"$calls")"
echo "load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw output: $out"
[ "$failed" = 0 ] || { log "ERRORS: some requests failed (see raw output)"; exit 1; }
