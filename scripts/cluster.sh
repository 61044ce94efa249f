#!/bin/bash
# A three-node RabbitMQ cluster on loopback, beside the machine's own node (5672), which it never
# touches: RabbitMQ's own clustering (rabbitmqctl join_cluster), one node per data directory.
#
#   scripts/cluster.sh start           start the three nodes and cluster them (idempotent)
#   scripts/cluster.sh stop            stop the three nodes and remove their data
#   scripts/cluster.sh status          the cluster's status as node 1 sees it
#   scripts/cluster.sh addresses       the value for spring.rabbitmq.addresses
#   scripts/cluster.sh stop-node N     stop node N (1-3) cleanly      start-node N   start it again
#   scripts/cluster.sh kill-node N     kill -9 node N's VM
#   scripts/cluster.sh pause-node N    kill -STOP node N's VM          resume-node N  kill -CONT it
#   scripts/cluster.sh pid N           node N's VM process id
#
# Node N (1-3) is es-cluster-N@localhost: AMQP on 127.0.0.1:$((5672 + N)), management on
# $((15672 + N)), Erlang distribution on $((25672 + N)); guest/guest. Each node needs its own
# RABBITMQ_CONFIG_FILE (the machine's pins the AMQP listener to 5672), node name, distribution
# port, and data, log and enabled-plugins locations; the three share one Erlang cookie of their
# own under EVENTSOURCE_CLUSTER_DIR (default /tmp/eventsource-rabbitmq-cluster).
set -euo pipefail

BASE=${EVENTSOURCE_CLUSTER_DIR:-/tmp/eventsource-rabbitmq-cluster}
SBIN=${RABBITMQ_SBIN:-/usr/lib/rabbitmq/bin}
NODES=(1 2 3)

node_name() { echo "es-cluster-$1@localhost"; }
amqp_port() { echo $((5672 + $1)); }

# The environment of node $1's server and of the CLI talking to it.
node_env() {
	local n=$1 dir="$BASE/node$1"
	export HOME="$BASE/home"
	export RABBITMQ_NODENAME
	RABBITMQ_NODENAME=$(node_name "$n")
	export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
	export RABBITMQ_NODE_PORT
	RABBITMQ_NODE_PORT=$(amqp_port "$n")
	export RABBITMQ_DIST_PORT=$((25672 + n))
	export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
	export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
	export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
	export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
	export RABBITMQ_MNESIA_BASE="$dir/data"
	export RABBITMQ_MNESIA_DIR="$dir/data/$RABBITMQ_NODENAME"
	export RABBITMQ_LOG_BASE="$dir/log"
	export RABBITMQ_PID_FILE="$dir/pid"
	export RABBITMQ_PLUGINS_EXPAND_DIR="$dir/plugins-expand"
	export ERL_EPMD_ADDRESS=127.0.0.1
	export ERL_CRASH_DUMP="$dir/log/erl_crash.dump"
	export ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

ctl() {
	local n=$1
	shift
	# the CLI's own VM writes no crash dump into the working directory when a node is down
	(node_env "$n" && ERL_CRASH_DUMP_SECONDS=0 "$SBIN/rabbitmqctl" -n "$(node_name "$n")" "$@")
}

running() { ctl "$1" -q status >/dev/null 2>&1; }

prepare_node() {
	local n=$1 dir="$BASE/node$1"
	mkdir -p "$dir/data" "$dir/log" "$BASE/home"
	if [ ! -f "$BASE/home/.erlang.cookie" ]; then
		head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$BASE/home/.erlang.cookie"
		chmod 400 "$BASE/home/.erlang.cookie"
	fi
	cat >"$dir/rabbitmq.conf" <<-EOF
		listeners.tcp.local = 127.0.0.1:$(amqp_port "$n")
		management.tcp.ip = 127.0.0.1
		management.tcp.port = $((15672 + n))
		cluster_partition_handling = pause_minority
	EOF
	echo "[]." >"$dir/advanced.config"
	: >"$dir/rabbitmq-env.conf"
	echo "[rabbitmq_management]." >"$dir/enabled_plugins"
}

start_node() {
	local n=$1
	if running "$n"; then
		return
	fi
	prepare_node "$n"
	(node_env "$n" && "$SBIN/rabbitmq-server" -detached >"$BASE/node$n/log/startup.log" 2>&1)
	if ! ctl "$n" -q wait --timeout 60 "$BASE/node$n/pid" >/dev/null 2>&1; then
		echo "cluster: node $n did not start; see $BASE/node$n/log" >&2
		tail -20 "$BASE/node$n/log/startup.log" >&2 || true
		exit 1
	fi
}

# Joins node $1 to node 1's cluster unless it is in it already.
join() {
	local n=$1 first
	first=$(node_name 1)
	if ctl 1 -q cluster_status --formatter json 2>/dev/null | grep -q "\"$(node_name "$n")\""; then
		return
	fi
	{
		ctl "$n" -q stop_app
		ctl "$n" -q reset
		ctl "$n" -q join_cluster "$first"
		ctl "$n" -q start_app
	} >>"$BASE/node$n/log/join.log" 2>&1 || {
		echo "cluster: node $n could not join node 1; see $BASE/node$n/log/join.log" >&2
		exit 1
	}
}

pid_of() {
	cat "$BASE/node$1/pid"
}

check_node() {
	case "${1:-}" in
	1 | 2 | 3) ;;
	*)
		echo "cluster: give a node number, 1, 2 or 3" >&2
		exit 2
		;;
	esac
}

case "${1:-}" in
start)
	for n in "${NODES[@]}"; do
		start_node "$n"
	done
	join 2
	join 3
	ctl 1 -q await_online_nodes 3 --timeout 60 >/dev/null 2>&1 || true
	echo "cluster: es-cluster-{1,2,3}@localhost up; spring.rabbitmq.addresses=$("$0" addresses)"
	;;
stop)
	for n in "${NODES[@]}"; do
		if [ -f "$BASE/node$n/pid" ]; then
			kill -CONT "$(pid_of "$n")" 2>/dev/null || true
			ctl "$n" -q stop >/dev/null 2>&1 || kill -9 "$(pid_of "$n")" 2>/dev/null || true
		fi
	done
	rm -rf "$BASE"
	echo "cluster: stopped and removed"
	;;
status)
	ctl 1 cluster_status
	;;
addresses)
	echo "127.0.0.1:$(amqp_port 1),127.0.0.1:$(amqp_port 2),127.0.0.1:$(amqp_port 3)"
	;;
stop-node)
	check_node "${2:-}"
	ctl "$2" -q stop
	;;
start-node)
	check_node "${2:-}"
	start_node "$2"
	;;
kill-node)
	check_node "${2:-}"
	kill -9 "$(pid_of "$2")"
	;;
pause-node)
	check_node "${2:-}"
	kill -STOP "$(pid_of "$2")"
	;;
resume-node)
	check_node "${2:-}"
	kill -CONT "$(pid_of "$2")"
	;;
pid)
	check_node "${2:-}"
	pid_of "$2"
	;;
*)
	sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
