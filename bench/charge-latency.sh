#!/usr/bin/env bash
# What usage ingest does to durable charges on SQLite: settle latency and charges/s with usage events and rollups
# in the main file ("shared", the layout before usage/UsageStore) and in their own file ("separate"), interleaved.
# Usage: bench/charge-latency.sh [seconds=10] [concurrency=32] [events_per_s=4000] [rounds=2]
# (class dev.tollgate.usage.ChargeLatencyBench; figures in docs/performance.md "Usage events in their own file").
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/*/ | sort -V | tail -1)"
fi
export JAVA_HOME
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="target/classes:$(cat target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -cp "$CP" dev.tollgate.usage.ChargeLatencyBench "$@"
