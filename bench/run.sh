#!/usr/bin/env bash
# Benchmark (issue #5): the packaged bundle against a plain-Java baseline, same machine, same run.
# Usage: bench/run.sh [--quick] [--only=startup,file,jms,rest,memory] [--requests=N]
#                     [--memory-requests=N] [--rest-seconds=S] [--latencies=0,50] [--profile] [--no-build]
# Output: target/bench/results.md and target/bench/results.json (and the table on stdout).
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
build=1
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done

if [[ $build == 1 ]]; then
  # package builds the thin jar + target/lib; test classes hold the bench (src/test/java/io/cardroutes/bench)
  mvn -B -q package -DskipTests
fi

cp="target/test-classes:target/classes:target/lib/*"
exec java -Xmx1g -Dlog4j2.configurationFile=bench/log4j2-bench.xml -cp "$cp" io.cardroutes.bench.Bench "${args[@]}"
