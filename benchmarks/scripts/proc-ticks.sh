# Sourced by the CPU scripts: ticks PID... prints the CPU ticks (user + system) the processes have
# used so far, from /proc (Linux only); a process gone counts 0.
ticks() {
	local total=0 pid value
	for pid in "$@"; do
		value=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
		total=$((total + ${value:-0}))
	done
	echo "$total"
}
