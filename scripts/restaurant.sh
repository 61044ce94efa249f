#!/usr/bin/env bash
# Runs the sample's restaurant on this machine: one JVM per service, each a profile of the sample app
# (waiter :8080, kitchen :8081, cashier :8082, manager :8083), against the services that
# scripts/services.sh starts. The waiter places an order every 5 s and the cashier pays two orders
# out of three, so each service logs a line per event of each order; unpaid orders are cancelled
# after 30 s. Ctrl-C stops all four.
#   RESTAURANT_DEMO=false bash scripts/restaurant.sh   # no demo guests: place orders over HTTP
set -euo pipefail
cd "$(dirname "$0")/.."
jar=sample-app/target/sample-app.jar
if [ ! -f "$jar" ]; then
  ./mvnw -q -pl sample-app -am -DskipTests package
fi
pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT
for service in manager kitchen cashier waiter; do
  java -Xmx256m -jar "$jar" --spring.profiles.active="$service" --restaurant.demo="${RESTAURANT_DEMO:-true}" \
    > >(sed -u "s/^/[$service] /") 2>&1 &
  pids+=("$!")
done
echo "restaurant starting: waiter http://localhost:8080/orders, cashier http://localhost:8082/bills/{orderId}/payment,"
echo "process list http://localhost:8083/actuator/processes; Ctrl-C stops it"
wait -n "${pids[@]}"
