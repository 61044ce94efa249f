#!/bin/bash
# CPU per event end to end: all the CPU of the benchmark's JVM, PostgreSQL and RabbitMQ (from
# /proc, Linux only) during eventsource's (d) and (f) runs, divided by their events. Far less noisy
# than rates on a shared machine: compare two builds by running this for each, interleaved.
#
# usage: benchmarks/scripts/cpu-per-event.sh [jar] [events-per-transaction] [events]
# (defaults: benchmarks/target/eventsource-benchmarks.jar, 1, 20000); services must be up.
set -euo pipefail
jar=${1:-benchmarks/target/eventsource-benchmarks.jar}
per_tx=${2:-1}
events=${3:-20000}
log=$(mktemp)
hz=$(getconf CLK_TCK)

ticks() {
	local total=0 pid value
	for pid in "$@"; do
		value=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
		total=$((total + ${value:-0}))
	done
	echo "$total"
}

java -jar "$jar" --bench.key-spaces= --bench.rounds=1 --bench.events-per-transaction="$per_tx" \
	--bench.end-to-end-events="$events" --bench.events=2000 --bench.new-aggregates=20 \
	--bench.warmup-new-aggregates=10 --bench.latency-duration=1s --bench.latency-warmup=0s >"$log" 2>&1 &
jvm=$!
start=""
tail -F --pid="$jvm" "$log" 2>/dev/null | while read -r line; do
	case "$line" in
	*"round 1/1 (d) bare client"*)
		# the bare run just ended; eventsource's run comes next (round 1 starts with the bare client)
		start=$(($(ticks "$jvm") + $(ticks $(pgrep -x postgres)) + $(ticks $(pgrep -f beam.smp))))
		;;
	*"round 1/1 (d) eventsource end to end"* | *"round 1/1 (f) partitioned end to end"*)
		end=$(($(ticks "$jvm") + $(ticks $(pgrep -x postgres)) + $(ticks $(pgrep -f beam.smp))))
		run=$(echo "$line" | sed -E 's/.*round 1\/1 \((.)\).*/\1/')
		echo "($run) $per_tx per tx: $(((end - start) * 1000000 / hz / events)) µs of CPU per event (JVM + PostgreSQL + RabbitMQ)"
		;;
	esac
done
wait "$jvm"
rm -f "$log"
