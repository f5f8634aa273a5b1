#!/usr/bin/env bash
# Analytics dashboard queries over the rollups of N generated usage events (90 days, 1,000 accounts),
# on SQLite and PostgreSQL, plus the usage writer's ingest rate and CPU per event. Figures: docs/performance.md
# "Analytics". The raw events are loaded too (PostgreSQL: COPY; SQLite: multi-row inserts, one transaction per
# day); BENCH_RAW_EVENTS=0 loads the rollups only. SQLite only: BENCH_DB=file loads into that file and keeps it (a later
# run with the same file skips the load), BENCH_INGEST_ONLY=1 skips the queries (the writer A/B of docs/performance.md).
# Usage: bench/analytics-bench.sh [events] [sqlite|postgres|both]     (default 1000000 both; 10000000 for the target)
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres); creates database tollgate_bench if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-1000000}"
STORES="${2:-both}"
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/*/ | sort -V | tail -1)"
fi
export JAVA_HOME
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
# Run a private copy: a rebuild of target/ during a long run must not pull classes from under the JVM.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r target/classes "$tmp/classes"
CP="$tmp/classes:$(cat target/bench.classpath)"
if [ "$STORES" != sqlite ]; then
  if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'tollgate_bench'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE tollgate_bench"
  fi
fi
JAVA_OPTS="-Xmx1g --enable-native-access=ALL-UNNAMED"
if [ "$STORES" != postgres ]; then "$JAVA_HOME/bin/java" $JAVA_OPTS -cp "$CP" dev.tollgate.usage.AnalyticsBench sqlite "$EVENTS"; fi
if [ "$STORES" != sqlite ]; then "$JAVA_HOME/bin/java" $JAVA_OPTS -cp "$CP" dev.tollgate.usage.AnalyticsBench postgres "$EVENTS"; fi
