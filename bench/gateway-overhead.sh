#!/usr/bin/env bash
# Gateway overhead (DESIGN.md "Performance budget"): in ONE run, load the mock upstream directly,
# through nginx as a plain reverse proxy (the practical limit on this machine), and through Tollgate
# (a free model and a billed one) with wrk; print throughput as % of nginx, the proxy's CPU per
# request, c=1 p50 and the added time to first byte of a stream.
#
#   bench/gateway-overhead.sh
#
# Environment (all optional):
#   BENCH_DURATION=10s    measured time per point        BENCH_WARMUP=3s   warm-up per point (discarded)
#   BENCH_JIT_WARMUP=15s  one c=32 warm-up per gateway target before any point (until the JIT is done)
#   BENCH_WORDS=16        words in each mock answer      BENCH_ROUNDS=1    repeat every point N times, interleaved
#   BENCH_TARGETS="direct nginx free billed"             which paths to load (base-free base-billed: see below)
#   BENCH_POINTS="c1 c32 stream-c1"                       which wrk points to run
#   BENCH_TTFB_REQUESTS=200  sequential curl requests per target for the stream time-to-first-byte probe
#   BENCH_COMPARE_JAR=FILE   also run a second gateway from this jar (targets base-free, base-billed are
#                            added): an A/B of two builds in the same run, on the same noise
#   BENCH_COMPARE_UPSTREAM_CLIENT=...  the second gateway's upstream client (a build before `lean`: helidon)
#   BENCH_COMPARE_CONFIG=YAML  top-level config appended to the second gateway's config; without BENCH_COMPARE_JAR
#                            the second gateway runs this build: an A/B of one setting, e.g. what usage events cost:
#                            BENCH_COMPARE_CONFIG='usage: { events: false }' BENCH_TARGETS="free billed"
#   BENCH_JFR=FILE        record a JFR profile of the gateway    GATEWAY_JAVA_OPTS=... JVM flags for Tollgate
#   MOCK_JAVA_OPTS=...    JVM flags for the mock upstream        BENCH_NGINX_WORKERS=auto  nginx worker_processes
#   BENCH_UPSTREAM_CLIENT=lean  server.upstream_client of the gateway (lean | helidon | jdk)
#   BENCH_PROFILE=1       profile the gateway with async-profiler (from Maven Central) during each measured Tollgate
#                         run; prints where its CPU goes per request (bench/profile/breakdown.py) and keeps the
#                         collapsed stacks in the results directory (flame graphs: any collapsed-stack viewer)
# Targets: direct = the mock; nginx = nginx -> mock (keep-alive upstream, no buffering, no access log);
# free = Tollgate -> mock under a `price: free` model (no ledger write); billed = Tollgate -> mock under a
# priced model (every request is billed). Auth, limits (the key has a huge rpm), usage recording and
# metrics are on in both Tollgate targets.
# CPU per request = user+system CPU time (/proc/PID/stat; all nginx processes) of the proxy during the
# measured wrk run / requests: the figure least disturbed by other load on a shared machine.
# Raw wrk output, curl timings and server logs go to bench/results/<timestamp>/ (git-ignored).
# What the figures mean and the latest results: docs/performance.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
duration="${BENCH_DURATION:-10s}"
warmup="${BENCH_WARMUP:-3s}"
words="${BENCH_WORDS:-16}"
rounds="${BENCH_ROUNDS:-1}"
read -r -a targets <<<"${BENCH_TARGETS:-direct nginx free billed}"
read -r -a points <<<"${BENCH_POINTS:-c1 c32 stream-c1}"
if [ -n "${BENCH_COMPARE_CONFIG:-}" ] && [ -z "${BENCH_COMPARE_JAR:-}" ]; then BENCH_COMPARE_JAR="$repo/target/tollgate.jar"; fi
if [ -n "${BENCH_COMPARE_JAR:-}" ]; then
  case " ${targets[*]} " in *" free "*) targets+=(base-free) ;; esac
  case " ${targets[*]} " in *" billed "*) targets+=(base-billed) ;; esac
fi
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
has_target() { case " ${targets[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- tools -----------------------------------------------------------------------------------
apt_install() { # $1 = package; only as root, waits for another apt run's lock instead of failing
  [ "$(id -u)" = 0 ] || { log "$1 is missing and this is not root: install it (apt-get install $1)"; exit 1; }
  log "installing $1"
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$1" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$1" >/dev/null; }
}
command -v wrk >/dev/null || apt_install wrk
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
if has_target nginx && [ ! -x "$nginx_bin" ]; then apt_install nginx; nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"; fi
log "building the jar (if stale)"
"$repo/tollgate" --help >/dev/null
if [ -n "${BENCH_PROFILE:-}" ]; then
  # async-profiler's agent from Maven Central (the only registry here); itimer sampling needs no perf_events
  mvn -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.2 -DoutputDirectory="$tmp/ap" >/dev/null
  (cd "$tmp/ap" && unzip -q -o async-profiler-4.2.jar 'linux-x64/*')
  profiler_lib="$tmp/ap/linux-x64/libasyncProfiler.so"
  [ -f "$profiler_lib" ] || { log "async-profiler not found in its jar"; exit 1; }
fi
# Run a private copy: a rebuild of target/ during the run must not pull classes from under the JVMs.
cp "$repo/target/tollgate.jar" "$tmp/tollgate.jar"
export TOLLGATE_JAR="$tmp/tollgate.jar"

# --- servers ---------------------------------------------------------------------------------
# The JVM servers bind port 0 and print the port they got, so there is no free-port race.
wait_for_port() { # $1 = log file, $2 = regex before the port; prints the port
  local i port
  for ((i = 0; i < startup_wait_s * 10; i++)); do
    port="$(grep -oE "$2[0-9]+" "$1" 2>/dev/null | head -1 | grep -oE '[0-9]+$' || true)"
    if [ -n "$port" ]; then echo "$port"; return; fi
    sleep 0.1
  done
  log "server did not start; log $1:"; cat "$1" >&2; exit 1
}

wait_for_200() { # $1 = url, $2 = API key, $3 = model
  local i
  for ((i = 0; i < startup_wait_s * 10; i++)); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
        -d "{\"model\":\"$3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" "$1")" = 200 ]; then return; fi
    sleep 0.1
  done
  log "$1 never answered 200"; exit 1
}

JAVA_OPTS="${MOCK_JAVA_OPTS:-}" "$repo/tollgate" mock-upstream --port 0 --words "$words" >"$out/mock.log" 2>&1 &
mock_pid=$!
pids+=("$mock_pid")
mock_port="$(wait_for_port "$out/mock.log" 'listening on http://127.0.0.1:')"

# nginx: a plain reverse proxy in the foreground of its own temp prefix (not the system service).
# Keep-alive to the upstream, proxy_buffering off (SSE must not be buffered; Tollgate streams too),
# no access log (Tollgate writes none per request either). Its port: a free one from the kernel,
# retried if another process takes it before nginx binds.
start_nginx() {
  local n port
  mkdir -p "$tmp/nginx/logs"
  for n in 1 2 3 4 5; do
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
      || echo $((20000 + RANDOM % 40000)))"
    cat >"$tmp/nginx/nginx.conf" <<EOF
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes ${BENCH_NGINX_WORKERS:-auto};
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/client_body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  upstream mock { server 127.0.0.1:$mock_port; keepalive 64; }
  server {
    listen 127.0.0.1:$port;
    tcp_nodelay on;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
    "$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$out/nginx.log" 2>&1 &
    nginx_pid=$!
    local i
    for ((i = 0; i < 50; i++)); do
      if curl -s -o /dev/null "http://127.0.0.1:$port/"; then pids+=("$nginx_pid"); nginx_port="$port"; return; fi
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true
    log "nginx did not start on :$port (attempt $n)"; cat "$tmp/nginx/logs/error.log" >&2 || true
  done
  exit 1
}

# start_gateway NAME JAR [CLIENT [EXTRA_YAML]]: a Tollgate with its own data dir and key; sets gw_pid[NAME],
# gw_port[NAME], gw_key[NAME]
declare -A gw_pid gw_port gw_key
start_gateway() {
  local name="$1" jar="$2" dir="$tmp/$1" client="${3:-${BENCH_UPSTREAM_CLIENT:-lean}}" extra="${4:-}"
  mkdir -p "$dir"
  cat >"$dir/config.yaml" <<EOF
server:
  upstream_client: $client
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
$extra
EOF
  local account opts="${GATEWAY_JAVA_OPTS:-}"
  account="$(TOLLGATE_JAR="$jar" "$repo/tollgate" accounts create bench --credits 100000000 --config "$dir/config.yaml" --data "$dir/data" 2>>"$out/cli.log")"
  gw_key[$name]="$(TOLLGATE_JAR="$jar" "$repo/tollgate" keys create "$account" --rpm 1000000000 --config "$dir/config.yaml" --data "$dir/data" 2>>"$out/cli.log")"
  # loaded at start (idle until a measured run starts it): attaching it later makes the JVM deoptimise and
  # recompile, which the profile would then show as JIT time
  if [ -n "${profiler_lib:-}" ]; then opts="$opts -agentpath:$profiler_lib"; fi
  if [ -n "${BENCH_JFR:-}" ] && [ "$name" = gateway ]; then
    opts="$opts -XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile"
  fi
  TOLLGATE_JAR="$jar" JAVA_OPTS="$opts" "$repo/tollgate" serve --config "$dir/config.yaml" --data "$dir/data" --port 0 >"$out/$name.log" 2>&1 &
  gw_pid[$name]=$!
  pids+=("${gw_pid[$name]}")
  gw_port[$name]="$(wait_for_port "$out/$name.log" 'Tollgate listening on http://127.0.0.1:')"
}

if has_target free || has_target billed; then start_gateway gateway "$TOLLGATE_JAR"; fi
if [ -n "${BENCH_COMPARE_JAR:-}" ]; then
  cp "$BENCH_COMPARE_JAR" "$tmp/base.jar"
  start_gateway base "$tmp/base.jar" "${BENCH_COMPARE_UPSTREAM_CLIENT:-${BENCH_UPSTREAM_CLIENT:-lean}}" "${BENCH_COMPARE_CONFIG:-}"
fi
if has_target nginx; then start_nginx; fi

# target -> url, key, model, and the pid whose CPU is the proxy's
declare -A t_url t_key t_model t_pid
for t in "${targets[@]}"; do
  case "$t" in
    direct) t_url[$t]="http://127.0.0.1:$mock_port"; t_key[$t]=bench; t_model[$t]=bench-model; t_pid[$t]="$mock_pid" ;;
    nginx) t_url[$t]="http://127.0.0.1:$nginx_port"; t_key[$t]=bench; t_model[$t]=bench-model; t_pid[$t]="nginx" ;;
    free | billed | base-free | base-billed)
      g=gateway; [[ "$t" == base-* ]] && g=base
      t_url[$t]="http://127.0.0.1:${gw_port[$g]}"; t_key[$t]="${gw_key[$g]}"; t_pid[$t]="${gw_pid[$g]}"
      case "$t" in *free) t_model[$t]=bench-free ;; *) t_model[$t]=bench-model ;; esac ;;
    *) log "unknown target $t (direct nginx free billed)"; exit 1 ;;
  esac
  t_url[$t]+="/v1/chat/completions"
  wait_for_200 "${t_url[$t]}" "${t_key[$t]}" "${t_model[$t]}"
done
log "mock :$mock_port${nginx_port:+, nginx :$nginx_port}${gw_port[gateway]:+, Tollgate :${gw_port[gateway]}}${gw_port[base]:+, base Tollgate :${gw_port[base]}}; targets: ${targets[*]}"

# --- load ------------------------------------------------------------------------------------
# CPU time (user + system, in clock ticks) a process has used so far: fields 14 and 15 of
# /proc/PID/stat (all its threads). The launcher execs java, so the pid we started is the JVM; for
# nginx, the master and its workers.
cpu_ticks() {
  if [ "$1" = nginx ]; then
    # shellcheck disable=SC2046
    cat "/proc/$nginx_pid/stat" $(pgrep -P "$nginx_pid" | sed 's|.*|/proc/&/stat|') | awk '{ s += $14 + $15 } END { print s }'
  else
    awk '{ print $14 + $15 }' "/proc/$1/stat"
  fi
}
ticks_per_s="$(getconf CLK_TCK)"

# measure POINT TARGET ROUND THREADS CONNECTIONS STREAM: warm up, then measure; appends one line to results.txt
measure() {
  local point="$1" t="$2" round="$3" threads="$4" conns="$5" stream="$6" proxy0 mock0 line
  log "round $round $point $t: warm-up $warmup, then $duration (-t$threads -c$conns)"
  BENCH_KEY="${t_key[$t]}" BENCH_MODEL="${t_model[$t]}" BENCH_STREAM="$stream" \
    wrk -t"$threads" -c"$conns" -d"$warmup" -s "$here/chat.lua" "${t_url[$t]}" >/dev/null
  local profiling=""
  if [ -n "${profiler_lib:-}" ] && [ "${t_pid[$t]}" != nginx ] && [ "$t" != direct ]; then
    profiling=1
    jcmd "${t_pid[$t]}" JVMTI.agent_load "$profiler_lib" '"start,event=itimer,interval=1ms"' >/dev/null
  fi
  proxy0="$(cpu_ticks "${t_pid[$t]}")" mock0="$(cpu_ticks "$mock_pid")"
  BENCH_KEY="${t_key[$t]}" BENCH_MODEL="${t_model[$t]}" BENCH_STREAM="$stream" \
    wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$here/chat.lua" "${t_url[$t]}" >"$out/$point-$t-$round.txt"
  if [ -n "$profiling" ]; then
    jcmd "${t_pid[$t]}" JVMTI.agent_load "$profiler_lib" "\"stop,file=$out/profile-$point-$t-$round.collapsed,collapsed\"" >/dev/null
  fi
  line="$(grep '^RESULT ' "$out/$point-$t-$round.txt")"
  echo "$point $t $round ${line#RESULT } proxy_ticks=$(($(cpu_ticks "${t_pid[$t]}") - proxy0)) mock_ticks=$(($(cpu_ticks "$mock_pid") - mock0))" \
    >>"$out/results.txt"
}

# Each gateway gets one longer warm-up first so the JIT has compiled the whole request path: with 5 s the C2
# compiler threads were still busy in the measured runs (a fifth of the CPU samples of a profiled c=32 run on a
# loaded machine), which is start-up cost, not the steady state a gateway runs in.
jit_warmup="${BENCH_JIT_WARMUP:-15s}"
for t in "${targets[@]}"; do
  case "$t" in free | billed | base-free | base-billed)
    log "JIT warm-up through $t ($jit_warmup, c=32)"
    BENCH_KEY="${t_key[$t]}" BENCH_MODEL="${t_model[$t]}" wrk -t2 -c32 -d"$jit_warmup" -s "$here/chat.lua" "${t_url[$t]}" >/dev/null ;;
  esac
done

# Rounds are interleaved (every target once per point, then the next round) so slow drifts of the
# machine's other load hit every target alike.
for ((round = 1; round <= rounds; round++)); do
  for point in "${points[@]}"; do
    case "$point" in
      c1) set -- 1 1 0 ;;
      c32) set -- 2 32 0 ;;
      stream-c1) set -- 1 1 1 ;;
      *) log "unknown point $point (c1 c32 stream-c1)"; exit 1 ;;
    esac
    for t in "${targets[@]}"; do measure "$point" "$t" "$round" "$@"; done
  done
done

# Time to first byte of a stream, which wrk cannot see: curl with one kept-alive connection,
# BENCH_TTFB_REQUESTS sequential requests, median of time_starttransfer (first response byte).
ttfb_requests="${BENCH_TTFB_REQUESTS:-200}"
ttfb_run() { # $1 = target, $2 = raw output file: one "status ttfb_s total_s" line per request
  local args=() i
  for ((i = 0; i < ttfb_requests; i++)); do args+=(-o /dev/null "${t_url[$1]}"); done
  curl -s -H "Authorization: Bearer ${t_key[$1]}" -H 'Content-Type: application/json' \
      -d "{\"model\":\"${t_model[$1]}\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in five words.\"}],\"stream\":true}" \
      -w '%{http_code} %{time_starttransfer} %{time_total}\n' "${args[@]}" >"$2"
}
median_ms() { # $1 = file, $2 = column (seconds); prints the median in ms
  sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { printf "%.3f", 1000 * v[int((NR + 1) / 2)] }'
}
if [ "$ttfb_requests" -gt 0 ]; then
  log "stream TTFB: $ttfb_requests sequential curl requests per target"
  for ((round = 1; round <= rounds; round++)); do
    for t in "${targets[@]}"; do
      ttfb_run "$t" "$out/ttfb-$t-$round.txt"
      echo "ttfb $t $round ttfb_ms=$(median_ms "$out/ttfb-$t-$round.txt" 2) total_ms=$(median_ms "$out/ttfb-$t-$round.txt" 3) non200=$(grep -vc '^200 ' "$out/ttfb-$t-$round.txt" || true)" \
        >>"$out/results.txt"
    done
  done
fi

# --- tables ----------------------------------------------------------------------------------
echo
echo "Gateway overhead: wrk -d$duration (after $warmup warm-up) x $rounds round(s), mock answer $words words, $(nproc) cores"
echo "targets: ${targets[*]}"
awk -v hz="$ticks_per_s" -v order="${targets[*]}" -v pointorder="${points[*]}" '
  function kv(s, k,   m) { return match(s, "(^| )" k "=([^ ]+)", m) ? m[2] : "" }
  function median(arr, n,   tmp, i) { n = asort(arr, tmp, "@val_num_asc"); return n == 0 ? 0 : (n % 2 ? tmp[(n + 1) / 2] : (tmp[n / 2] + tmp[n / 2 + 1]) / 2) }
  $1 == "ttfb" { t = $2; ttfb[t][$3] = kv($0, "ttfb_ms"); whole[t][$3] = kv($0, "total_ms"); bad += kv($0, "non200"); next }
  {
    p = $1; t = $2; r = $3; k = p SUBSEP t
    rps[k][r] = kv($0, "rps"); p50[k][r] = kv($0, "p50_ms"); p99[k][r] = kv($0, "p99_ms")
    req[k] += kv($0, "requests"); pt[k] += kv($0, "proxy_ticks"); mt[k] += kv($0, "mock_ticks")
    err[k] += kv($0, "status_errors") + kv($0, "socket_errors"); errors += kv($0, "status_errors") + kv($0, "socket_errors")
  }
  END {
    nt = split(order, T, " "); np = split(pointorder, P, " ")
    for (i = 1; i <= np; i++) {
      p = P[i]
      printf "\n%-11s | %9s %8s %8s | %8s %8s %12s %12s | %10s %10s | %s\n", p, "r/s", "% nginx", "% direct", "p50 ms", "p99 ms", "p50 - direct", "p50 - nginx", "proxy CPU", "mock CPU", "errors"
      for (j = 1; j <= nt; j++) {
        t = T[j]; k = p SUBSEP t
        if (!(k in req)) continue
        R[t] = median(rps[k]); L[t] = median(p50[k]); H[t] = median(p99[k])
        C[t] = req[k] ? 1e6 * pt[k] / hz / req[k] : 0; M[t] = req[k] ? 1e6 * mt[k] / hz / req[k] : 0
        cpu[p][t] = C[t]; thr[p][t] = R[t]; lat[p][t] = L[t]
      }
      for (j = 1; j <= nt; j++) {
        t = T[j]; k = p SUBSEP t
        if (!(k in req)) continue
        printf "%-11s | %9.0f %7s %8s | %8.3f %8.3f %12s %12s | %7.0f us %7.0f us | %d\n", t, R[t],
          ("nginx" in R) ? sprintf("%.1f%%", 100 * R[t] / R["nginx"]) : "-",
          ("direct" in R) ? sprintf("%.1f%%", 100 * R[t] / R["direct"]) : "-", L[t], H[t],
          ("direct" in L) ? sprintf("%+.3f", L[t] - L["direct"]) : "-", ("nginx" in L) ? sprintf("%+.3f", L[t] - L["nginx"]) : "-",
          C[t], M[t], err[k]
      }
      delete R; delete L; delete H; delete C; delete M
    }
    if (length(ttfb) > 0) {
      printf "\n%-11s | %12s %14s %14s | %16s\n", "stream TTFB", "median ms", "added vs direct", "added vs nginx", "whole stream ms"
      for (j = 1; j <= nt; j++) { t = T[j]; if (t in ttfb) { F[t] = median(ttfb[t]); W[t] = median(whole[t]) } }
      for (j = 1; j <= nt; j++) {
        t = T[j]; if (!(t in F)) continue
        printf "%-11s | %12.3f %14s %14s | %16.3f\n", t, F[t], ("direct" in F) ? sprintf("%+.3f", F[t] - F["direct"]) : "-",
          ("nginx" in F) ? sprintf("%+.3f", F[t] - F["nginx"]) : "-", W[t]
      }
    }
    print "\nbudget (DESIGN.md):"
    if (("c32" in thr) && ("nginx" in thr["c32"])) {
      if ("free" in thr["c32"]) printf "  free c=32 throughput  %5.1f%% of nginx (target >= 80%%)\n", 100 * thr["c32"]["free"] / thr["c32"]["nginx"]
      if ("billed" in thr["c32"]) printf "  billed c=32 throughput %5.1f%% of nginx (target >= 60%%)\n", 100 * thr["c32"]["billed"] / thr["c32"]["nginx"]
    }
    if (("c32" in cpu) && ("free" in cpu["c32"]) && ("billed" in cpu["c32"]) && cpu["c32"]["free"] > 0)
      printf "  billed CPU/request     %.2fx free at c=32 (target <= 1.3x)\n", cpu["c32"]["billed"] / cpu["c32"]["free"]
    if (("c1" in lat) && ("free" in lat["c1"]) && ("billed" in lat["c1"]))
      printf "  c=1 p50 billed - free  %+.3f ms (target: at most one durable commit)\n", lat["c1"]["billed"] - lat["c1"]["free"]
    if ("direct" in F) for (j = 1; j <= nt; j++) { t = T[j]; if (t != "direct" && t != "nginx" && (t in F))
      printf "  stream TTFB added      %+.3f ms %s (target <= 1 ms)\n", F[t] - F["direct"], t }
    printf "\nerrors: %d wrk (status >= 400 + socket), %d non-200 curl answers\n", errors, bad
    exit (errors + bad > 0)
  }' "$out/results.txt" || failed=1
echo "load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "proxy CPU: user+system CPU per request of the process in the path (mock for direct, all nginx processes, the gateway JVM),"
echo "  during the measured run; mock CPU: the mock's. % columns: median r/s of the rounds against nginx's / direct's."
echo "stream-c1 latency is the whole stream (until the last SSE event); the TTFB table is the first byte."
echo "raw output: $out"
if [ -n "${profiler_lib:-}" ]; then
  for f in "$out"/profile-*.collapsed; do
    [ -s "$f" ] || continue
    name="$(basename "$f" .collapsed)"; name="${name#profile-}" # POINT-TARGET-ROUND
    read -r point t round <<<"${name//-/ }"
    cpu_us="$(awk -v p="$point" -v t="$t" -v r="$round" -v hz="$ticks_per_s" \
      '$1 == p && $2 == t && $3 == r { match($0, /requests=([0-9]+)/, a); match($0, /proxy_ticks=([0-9]+)/, b); if (a[1] > 0) printf "%.1f", 1e6 * b[1] / hz / a[1] }' "$out/results.txt")"
    echo; echo "where the gateway's CPU went, $point $t (round $round):"
    python3 "$here/profile/breakdown.py" "$f" ${cpu_us:+"$cpu_us"}
  done
fi
[ "${failed:-0}" = 0 ] || { log "ERRORS: some requests failed (see raw output)"; exit 1; }
