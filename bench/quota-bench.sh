#!/usr/bin/env bash
# Quotas and budgets: the cost of reserve + settle of four claims per request (docs/performance.md
# "Quotas and budgets") for each store: local (in process), redis, database (row locks) on SQLite
# and PostgreSQL. Usage: bench/quota-bench.sh [concurrency]
# Needs Redis on 127.0.0.1:6379 (keys under a unique tollgate-bench: prefix) and PostgreSQL on
# 127.0.0.1:5432 (user postgres); creates database tollgate_bench if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
CONCURRENCY="${1:-32}"
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/*/ | sort -V | tail -1)"
fi
export JAVA_HOME
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="target/classes:$(cat target/bench.classpath)"
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'tollgate_bench'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE tollgate_bench"
fi
run() { "$JAVA_HOME/bin/java" -cp "$CP" dev.tollgate.limits.quota.QuotaBench "$@"; }
run local 400000 "$CONCURRENCY" sqlite
run redis 100000 "$CONCURRENCY" sqlite
run database 4000 "$CONCURRENCY" sqlite
run database 20000 "$CONCURRENCY" postgres
