#!/usr/bin/env bash
# Scale-out soak (docs/operations.md "Soak"): 3 gateway processes on one PostgreSQL schema and one Redis,
# clients rotating over them like a round-robin balancer, mixed traffic (plain, streamed, client
# disconnects, upstream faults with fallbacks, cache hits, a near-empty account, a plan quota with alerts,
# rpm / tpm / max_parallel keys), and midway: kill -9 one replica (restarted), kill -9 + restart Redis,
# pause PostgreSQL. Then it checks: ledger verify, nobody below zero, every completed request charged
# exactly its usage × price (the fake upstream's own record is the oracle), no 5xx charged and none
# outside the PostgreSQL pause, no hold / parallel slot / quota reservation open after expiry, global
# rpm/tpm within their bounds, the quota exact, every alert fired and delivered once.
# Exit code 0 iff every check holds; the summary tables are printed (and kept in the results dir).
#
#   bench/soak.sh                       # 180 s of traffic, 12 clients
#   SOAK_DURATION_S=60 SOAK_CLIENTS=6 bench/soak.sh
#
# Environment: SOAK_DURATION_S (180), SOAK_CLIENTS (12), SOAK_REDIS_PORT (6390: a redis-server of its own,
# started and killed by the soak, never the machine's), SOAK_PG_URL (an existing database where the soak
# creates a fresh schema; default jdbc:postgresql://127.0.0.1:5432/tollgate_test?user=postgres).
# PostgreSQL is reached through a proxy inside the soak, which is what gets paused: the server itself is
# never stopped. Needs: a JDK >= 21, Maven (to build), redis-server, a reachable PostgreSQL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
out="$repo/bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
command -v redis-server >/dev/null || { echo "soak: redis-server is not installed (apt-get install redis-server)" >&2; exit 2; }

echo "[soak] building the jar (if stale)" >&2
"$repo/tollgate" --help >/dev/null
cp "$repo/target/tollgate.jar" "$out/tollgate.jar" # a rebuild during the run must not pull classes from under the JVMs

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ -z "${JAVA_HOME:-}" ]; then
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do [ -x "$d/bin/java" ] && { java_bin="$d/bin/java"; break; }; done
fi
flags=(--enable-native-access=ALL-UNNAMED)
if "$java_bin" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then flags+=(--sun-misc-unsafe-memory-access=allow); fi

args=(--duration-s "${SOAK_DURATION_S:-180}" --clients "${SOAK_CLIENTS:-12}" --redis-port "${SOAK_REDIS_PORT:-6390}" --dir "$out")
pg=()
[ -n "${SOAK_PG_URL:-}" ] && pg=(-Dsoak.pg="$SOAK_PG_URL")
set +e
"$java_bin" "${flags[@]}" "${pg[@]}" -cp "$out/tollgate.jar" dev.tollgate.bench.soak.Soak "${args[@]}" 2>&1 | tee "$out/summary.txt"
code=${PIPESTATUS[0]}
set -e
rm -f "$out/tollgate.jar"
echo "[soak] exit $code; logs of every replica and the summary in $out" >&2
exit "$code"
