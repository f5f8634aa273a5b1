#!/usr/bin/env bash
# Memory under many concurrent streams (DESIGN.md: <= 256 MB RSS at 1,000 concurrent streaming
# requests): wrk holds BENCH_STREAMS streaming chat requests open through Tollgate against a mock
# upstream that drips its answer slowly, and the gateway's peak RSS is sampled from /proc.
#
#   bench/stream-memory.sh                  # 1000 streams, 20 s, gateway JVM flags from GATEWAY_JAVA_OPTS
#
# Environment: BENCH_STREAMS=1000  BENCH_DURATION=20s  BENCH_CHUNK_DELAY_MS=200 (16 chunks → ~3.4 s per stream)
#              GATEWAY_JAVA_OPTS="-Xmx128m -XX:+UseSerialGC" (default shown)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
streams="${BENCH_STREAMS:-1000}"
duration="${BENCH_DURATION:-20s}"
delay="${BENCH_CHUNK_DELAY_MS:-200}"
gateway_opts="${GATEWAY_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}"
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
log() { echo "[bench] $*" >&2; }

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
ulimit -n 65536 2>/dev/null || true
"$repo/tollgate" --help >/dev/null
cp "$repo/target/tollgate.jar" "$tmp/tollgate.jar"
export TOLLGATE_JAR="$tmp/tollgate.jar"

port_of() { # $1 log, $2 prefix
  for _ in $(seq 1 600); do
    p="$(grep -oE "$2[0-9]+" "$1" 2>/dev/null | head -1 | grep -oE '[0-9]+$' || true)"
    [ -n "$p" ] && { echo "$p"; return; }
    sleep 0.1
  done
  cat "$1" >&2; exit 1
}

"$repo/tollgate" mock-upstream --port 0 --chunk-delay-ms "$delay" >"$tmp/mock.log" 2>&1 &
pids+=($!)
mock_port="$(port_of "$tmp/mock.log" 'listening on http://127.0.0.1:')"
cat >"$tmp/config.yaml" <<YAML
providers:
  - { name: upstream, type: openai, base_url: "http://127.0.0.1:$mock_port/v1", api_key: bench }
models:
  - { name: bench-model, provider: upstream, price: { input: 0.15, output: 0.60 } }
YAML
account="$("$repo/tollgate" accounts create bench --credits 100000000 --config "$tmp/config.yaml" --data "$tmp/data")"
key="$("$repo/tollgate" keys create "$account" --rpm 1000000000 --config "$tmp/config.yaml" --data "$tmp/data")"
JAVA_OPTS="$gateway_opts" "$repo/tollgate" serve --config "$tmp/config.yaml" --data "$tmp/data" --port 0 >"$tmp/gw.log" 2>&1 &
gw_pid=$!
pids+=("$gw_pid")
gw_port="$(port_of "$tmp/gw.log" 'Tollgate listening on http://127.0.0.1:')"
rss_mb() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$gw_pid/status"; }
log "gateway :$gw_port ($gateway_opts), idle RSS $(rss_mb) MB; $streams streams for $duration"

peak=0
( while kill -0 "$gw_pid" 2>/dev/null; do r="$(rss_mb)"; echo "$r"; sleep 0.2; done ) >"$tmp/rss.txt" &
sampler=$!
BENCH_KEY="$key" BENCH_STREAM=1 wrk -t2 -c"$streams" -d"$duration" --timeout 30s -s "$here/chat.lua" \
  "http://127.0.0.1:$gw_port/v1/chat/completions" >"$tmp/wrk.txt"
kill "$sampler" 2>/dev/null || true
peak="$(sort -n "$tmp/rss.txt" | tail -1)"
grep '^RESULT ' "$tmp/wrk.txt" | sed 's/^RESULT //'
echo "concurrent streams: $streams; gateway peak RSS: ${peak} MB (target <= 256 MB); JVM: $gateway_opts"
