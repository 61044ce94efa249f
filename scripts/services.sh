#!/usr/bin/env bash
# Makes sure the four services the tests and the sample need answer on loopback:
# RabbitMQ (5672, management API on 15672), Redis (6379), PostgreSQL (5432) and MariaDB (3306).
# Each one that does not answer is started with this machine's own command; then the script waits
# until all answer. Safe to run any number of times.
set -euo pipefail

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_rabbitmq() {
	rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
	rabbitmq-server -detached
}

start_redis() {
	mkdir -p /var/lib/redis /var/log/redis
	redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
		--dir /var/lib/redis --logfile /var/log/redis/ci.log
}

start_postgresql() {
	pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
}

start_mariadb() {
	start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
}

ensure() {
	local name=$1 port=$2 start=$3
	if answers "$port"; then
		echo "services: $name answers on $port"
	else
		echo "services: $name does not answer on $port, starting it"
		if ! command -v "${4}" >/dev/null 2>&1; then
			echo "services: $name is not installed here; install it, or run 'docker compose up -d' (compose.yaml)" >&2
			exit 1
		fi
		"$start"
	fi
}

wait_for() {
	local name=$1 port=$2
	for _ in $(seq 1 120); do
		if answers "$port"; then
			return 0
		fi
		sleep 1
	done
	echo "services: $name still does not answer on 127.0.0.1:$port after 120 s" >&2
	exit 1
}

ensure RabbitMQ 5672 start_rabbitmq rabbitmq-server
ensure Redis 6379 start_redis redis-server
ensure PostgreSQL 5432 start_postgresql pg_ctlcluster
ensure MariaDB 3306 start_mariadb mariadbd

wait_for RabbitMQ 5672
wait_for Redis 6379
wait_for PostgreSQL 5432
wait_for MariaDB 3306

# The tests read queues through the management HTTP API.
if ! answers 15672; then
	echo "services: enabling the RabbitMQ management plugin"
	rabbitmq-plugins enable rabbitmq_management >/dev/null
fi
wait_for "RabbitMQ management" 15672

# The tests and the sample use the database 'test' on both servers.
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
	|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null
mariadb -h 127.0.0.1 -u root -e "CREATE DATABASE IF NOT EXISTS test" >/dev/null

echo "services: RabbitMQ, Redis, PostgreSQL and MariaDB are up"
