#!/bin/bash
# What declaring a live per-aggregate queue again costs when the relay waits for the replies:
# DeclareCost.java, run with the libraries of the benchmark jar against the broker on
# 127.0.0.1:5672 (guest/guest). Services must be up (bash scripts/services.sh).
#
# usage: benchmarks/scripts/declare-cost.sh [jar] [aggregates] [rounds]
# (defaults: benchmarks/target/eventsource-benchmarks.jar, 200, 4)
set -euo pipefail
jar=${1:-benchmarks/target/eventsource-benchmarks.jar}
aggregates=${2:-200}
rounds=${3:-4}
"$(dirname "$0")/java-with-bench-libs.sh" "$jar" "$(dirname "$0")/DeclareCost.java" "$aggregates" "$rounds"
