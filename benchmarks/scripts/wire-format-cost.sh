#!/bin/bash
# What eventsource's wire format (message properties and CloudEvents headers) costs RabbitMQ
# against the bare client's persistent messages: WireFormatCost.java, run with the libraries of
# the benchmark jar, publishing both kinds alternately in one process and reading RabbitMQ's CPU
# from /proc (Linux only). Services must be up (bash scripts/services.sh).
#
# usage: benchmarks/scripts/wire-format-cost.sh [jar] [messages] [rounds]
# (defaults: benchmarks/target/eventsource-benchmarks.jar, 20000, 3)
set -euo pipefail
jar=${1:-benchmarks/target/eventsource-benchmarks.jar}
messages=${2:-20000}
rounds=${3:-3}
"$(dirname "$0")/java-with-bench-libs.sh" "$jar" "$(dirname "$0")/WireFormatCost.java" \
	"$(pgrep -f beam.smp | head -1)" "$messages" "$rounds" "$(getconf CLK_TCK)"
