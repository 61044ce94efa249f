#!/bin/bash
# CPU per event of each measured phase of one benchmark run, split by process: the benchmark's JVM,
# PostgreSQL and RabbitMQ (from /proc every 0.5 s, Linux only). A phase is a pair of the benchmark's
# "<label>: measuring" and "<label>: measured" log lines; its events are read from the next line that
# gives "N events" or "N messages". Complements cpu-per-event.sh, which covers (d) and (f) only.
#
# usage: benchmarks/scripts/cpu-by-phase.sh [jar] [benchmark options...]
# e.g.   benchmarks/scripts/cpu-by-phase.sh benchmarks/target/eventsource-benchmarks.jar \
#          --bench.events-per-transaction=10 --bench.end-to-end=false --bench.breakdown=true
set -euo pipefail
jar=${1:-benchmarks/target/eventsource-benchmarks.jar}
shift || true
log=$(mktemp)
samples=$(mktemp)
hz=$(getconf CLK_TCK)

# shellcheck source=proc-ticks.sh
. "$(dirname "$0")/proc-ticks.sh"

java -jar "$jar" "$@" >"$log" 2>&1 &
jvm=$!
while kill -0 "$jvm" 2>/dev/null; do
	# PostgreSQL's backends are pooled for the whole run, so their ticks only grow
	echo "$(date +%H:%M:%S.%3N) $(ticks "$jvm") $(ticks $(pgrep -x postgres)) $(ticks $(pgrep -f beam.smp))" >>"$samples"
	sleep 0.5
done
wait "$jvm" || { tail -20 "$log"; exit 1; }
python3 - "$log" "$samples" "$hz" <<'PY'
import re, sys
log = open(sys.argv[1]).read().splitlines()
rows = [l.split() for l in open(sys.argv[2])]
hz = int(sys.argv[3])
def at(t):
    before = [r for r in rows if r[0] <= t]
    return before[-1] if before else rows[0]
print(f"{'phase':62s} {'events':>7s} {'JVM':>6s} {'PG':>6s} {'Rabbit':>6s} {'total':>6s}  (CPU microseconds per event)")
start = {}
for i, line in enumerate(log):
    m = re.match(r'(\d\d:\d\d:\d\d\.\d{3}) \S+\s+(.*): (measuring|measured)$', line)
    if not m:
        continue
    time, label, what = m.groups()
    if what == 'measuring':
        start[label] = time
        continue
    if label not in start:
        continue
    events = None
    for later in log[i + 1:i + 4]:
        n = re.search(r'([\d,]+) (events|messages)', later)
        if n:
            events = int(n.group(1).replace(',', ''))
            break
    a, b = at(start.pop(label)), at(time)
    cpu = [(int(b[k]) - int(a[k])) * 1e6 / hz for k in (1, 2, 3)]
    if events:
        per = [c / events for c in cpu]
        print(f"{label[:62]:62s} {events:7d} {per[0]:6.0f} {per[1]:6.0f} {per[2]:6.0f} {sum(per):6.0f}")
PY
grep -E "breakdown of" "$log" || true
rm -f "$log" "$samples"
