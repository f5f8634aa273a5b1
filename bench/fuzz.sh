#!/usr/bin/env bash
# One fuzzing run of one request-parser target (docs/fuzzing.md), e.g.
#   bench/fuzz.sh 'RequestParsersFuzzTest#chat'
# It runs until the target's maxDuration or its first finding; one run at a time (one core each).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:?usage: bench/fuzz.sh 'Class#method'}"
# Coverage from Jackson too: the parsers' branches are mostly Jackson's, and without them the fuzzer
# sees a handful of edges and never learns JSON's shape.
export JAZZER_FUZZ=1
export JAZZER_INSTRUMENTATION_INCLUDES="${JAZZER_INSTRUMENTATION_INCLUDES:-dev.tollgate.**:com.fasterxml.jackson.**}"
exec mvn -B -f "$here/pom.xml" test-compile surefire:test@fuzz-regression -Dfuzz.tests="$target" -Dfuzz.hooks=true \
  -Dsurefire.failIfNoSpecifiedTests=false
