#!/bin/bash
# What declaring a live per-aggregate queue again costs when the relay waits for the replies:
# DeclareCost.java, run with the libraries of the benchmark jar against the broker on
# 127.0.0.1:5672 (guest/guest). Services must be up (bash scripts/services.sh).
#
# usage: benchmarks/scripts/declare-cost.sh [jar] [aggregates] [rounds]
# (defaults: benchmarks/target/eventsource-benchmarks.jar, 200, 4)
set -euo pipefail
jar=$(realpath "${1:-benchmarks/target/eventsource-benchmarks.jar}")
aggregates=${2:-200}
rounds=${3:-4}
libs=$(mktemp -d)
trap 'rm -rf "$libs"' EXIT
unzip -q -o -j "$jar" 'BOOT-INF/lib/*.jar' -d "$libs"
java -cp "$libs/*" "$(dirname "$0")/DeclareCost.java" "$aggregates" "$rounds" 2>&1 | grep -v '^SLF4J'
