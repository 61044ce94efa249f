#!/bin/bash
# How the number of durable queues a paced stream of persistent messages is spread over changes the
# time to delivery and the publisher confirm wait (8 queues, as the partitioned topology's default, against 200, one per
# aggregate): ConfirmSpread.java, run with the libraries of the benchmark jar against the broker on
# 127.0.0.1:5672 (guest/guest). Services must be up (bash scripts/services.sh).
#
# usage: benchmarks/scripts/confirm-spread.sh [jar] [messages per second] [seconds] [rounds]
# (defaults: benchmarks/target/eventsource-benchmarks.jar, 900, 8, 3)
set -euo pipefail
jar=${1:-benchmarks/target/eventsource-benchmarks.jar}
rate=${2:-900}
seconds=${3:-8}
rounds=${4:-3}
"$(dirname "$0")/java-with-bench-libs.sh" "$jar" "$(dirname "$0")/ConfirmSpread.java" "$rate" "$seconds" "$rounds"
