#!/bin/bash
# CPU per event end to end: the CPU of the benchmark's JVM, PostgreSQL and RabbitMQ (from /proc,
# Linux only) during eventsource's (d) and (f) runs, divided by their events, and the same for the
# bare client's run just before each. Far less noisy than rates on a shared machine: compare two
# builds by running this for each, interleaved. The bare client's CPU per message divided by
# eventsource's per event is the ratio the machine allows when the CPU is what limits both. On
# PostgreSQL it also prints the hand-written reference pipeline's figures (bench.reference-throughput):
# its publishing transactions alone after (b), and its whole pipeline after (d).
#
# usage: benchmarks/scripts/cpu-per-event.sh [jar] [events-per-transaction] [events]
# (defaults: benchmarks/target/eventsource-benchmarks.jar, 1, 20000); services must be up.
set -euo pipefail
jar=${1:-benchmarks/target/eventsource-benchmarks.jar}
per_tx=${2:-1}
events=${3:-20000}
log=$(mktemp)
hz=$(getconf CLK_TCK)

# shellcheck source=proc-ticks.sh
. "$(dirname "$0")/proc-ticks.sh"

# the CPU ticks of the JVM, PostgreSQL and RabbitMQ, space-separated
sample() {
	echo "$(ticks "$1") $(ticks $(pgrep -x postgres)) $(ticks $(pgrep -f beam.smp))"
}

# microseconds per event between two samples: total, then each process
per_event() {
	read -r j0 p0 r0 <<<"$1"
	read -r j1 p1 r1 <<<"$2"
	local scale=$((1000000 / hz))
	echo "$(((j1 - j0 + p1 - p0 + r1 - r0) * scale * 1000 / events)) $(((j1 - j0) * scale * 1000 / events)) \
$(((p1 - p0) * scale * 1000 / events)) $(((r1 - r0) * scale * 1000 / events))"
}

# prints one line: the run, eventsource's figures, what the run measures until; reads $bare
report() {
	local total jvm_cpu pg rabbit bare_total bare_jvm bare_pg bare_rabbit
	read -r total jvm_cpu pg rabbit <<<"$2"
	read -r bare_total bare_jvm bare_pg bare_rabbit <<<"$bare"
	printf '(%s) %s per tx, %s: eventsource %d µs of CPU per event (JVM %d, PostgreSQL %d, RabbitMQ %d); bare client %d µs per message (%d, %d, %d); ratio %s\n' \
		"$1" "$per_tx" "$3" $((total / 1000)) $((jvm_cpu / 1000)) $((pg / 1000)) $((rabbit / 1000)) \
		$((bare_total / 1000)) $((bare_jvm / 1000)) $((bare_pg / 1000)) $((bare_rabbit / 1000)) \
		"$(awk -v b="$bare_total" -v e="$total" 'BEGIN { printf "%.2f", b / e }')"
}

# no vacuum between the runs: it would fall into the bare client's window
java -jar "$jar" --bench.key-spaces= --bench.rounds=1 --bench.events-per-transaction="$per_tx" \
	--bench.end-to-end-events="$events" --bench.events="$events" --bench.new-aggregates=20 \
	--bench.warmup-new-aggregates=10 --bench.latency-duration=1s --bench.latency-warmup=0s \
	--bench.vacuum=false >"$log" 2>&1 &
jvm=$!
before=""
bare=""
# round 1 runs the bare client first, then eventsource: (d), then (f)
tail -F --pid="$jvm" "$log" 2>/dev/null | while read -r line; do
	case "$line" in
	*"round 1/1 ("?") bare client: measuring"* | *"round 1/1 (b) eventsource: measuring"*)
		before=$(sample "$jvm")
		;;
	*"round 1/1 ("?") bare client: measured"*)
		bare=$(per_event "$before" "$(sample "$jvm")")
		;;
	*"round 1/1 (b) eventsource: measured"*)
		report b "$(per_event "$before" "$(sample "$jvm")")" "until relayed"
		;;
	*"round 1/1 (d) bare client publish + consume"*)
		# the bare run's queues are purged; eventsource's run comes next
		before=$(sample "$jvm")
		;;
	*"round 1/1 (d) eventsource end to end"* | *"round 1/1 (f) partitioned end to end"*)
		run=$(echo "$line" | sed -E 's/.*round 1\/1 \((.)\).*/\1/')
		report "$run" "$(per_event "$before" "$(sample "$jvm")")" "until handled"
		;;
	*"round 1/1 ("?") reference, "*": measuring")
		before=$(sample "$jvm")
		;;
	*"round 1/1 (b) reference, "*" msg/s")
		report "b reference" "$(per_event "$before" "$(sample "$jvm")")" "publishing transactions only"
		;;
	*"round 1/1 (d) reference, "*" msg/s")
		report "d reference" "$(per_event "$before" "$(sample "$jvm")")" "until handled"
		;;
	esac
done
wait "$jvm"
rm -f "$log"
