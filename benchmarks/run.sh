#!/usr/bin/env bash
# Runs one workload of docs/PERFORMANCE.md against the distribution jar and writes the result to
# benchmarks/target/results/. Usage:
#   benchmarks/run.sh W1 [--runs 3] [--warmup 30s] [--duration 60s] [--rate 10000] [--smoke]
# Builds the distribution and the benchmarks jar first if either is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ ! -f distributions/raybridge/target/raybridge.jar || ! -f benchmarks/target/benchmarks.jar ]]; then
  ./mvnw -B -q install -DskipTests -pl distributions/raybridge,benchmarks -am
fi
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_cmd" -Xms128m -Xmx1g -cp benchmarks/target/benchmarks.jar \
  io.raybridge.benchmarks.load.Runner "$@"
