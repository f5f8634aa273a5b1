#!/usr/bin/env bash
# Ledger throughput: settled charges/s (hold + settle, durable commits) on SQLite and PostgreSQL.
# Usage: bench/ledger-bench.sh [charges] [concurrency]
# Each store runs twice: every hold a store write (LedgerOptions.defaults, what the CLI uses), and with
# credit slices (holds in memory, one write per charge: what the gateway runs).
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres); creates database tollgate_bench if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
CHARGES="${1:-100000}"
CONCURRENCY="${2:-1024}"
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/*/ | sort -V | tail -1)"
fi
export JAVA_HOME
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="target/classes:$(cat target/bench.classpath)"
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'tollgate_bench'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE tollgate_bench"
fi
"$JAVA_HOME/bin/java" -cp "$CP" dev.tollgate.ledger.LedgerBench sqlite "$CHARGES" "$CONCURRENCY"
"$JAVA_HOME/bin/java" -cp "$CP" dev.tollgate.ledger.LedgerBench postgres "$CHARGES" "$CONCURRENCY"
"$JAVA_HOME/bin/java" -cp "$CP" dev.tollgate.ledger.LedgerBench postgres3 "$CHARGES" "$CONCURRENCY"
for store in sqlite postgres postgres3; do
  "$JAVA_HOME/bin/java" -cp "$CP" dev.tollgate.ledger.LedgerBench "$store+slices" "$CHARGES" "$CONCURRENCY"
done
