#!/usr/bin/env bash
# The guard step's cost per request (admit + settle), local buckets and Redis (one round trip each way).
# Usage: bench/guard-bench.sh [requests-local] [requests-redis]
# Needs Redis on 127.0.0.1:6379 for the second half (keys under bench:*, expiring by themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
LOCAL="${1:-1000000}"
REDIS="${2:-20000}"
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/*/ | sort -V | tail -1)"
fi
export JAVA_HOME
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="target/classes:$(cat target/bench.classpath)"
"$JAVA_HOME/bin/java" -cp "$CP" dev.tollgate.limits.GuardBench local "$LOCAL" 2>/dev/null
"$JAVA_HOME/bin/java" -cp "$CP" dev.tollgate.limits.GuardBench redis "$REDIS" 2>/dev/null
