#!/bin/bash
# Runs one of this folder's single-file Java programs with the libraries of the benchmark jar on its
# class path (the RabbitMQ client, eventsource's own classes), leaving out SLF4J's notices.
#
# usage: benchmarks/scripts/java-with-bench-libs.sh jar Program.java [arguments...]
set -euo pipefail
jar=$(realpath "$1")
program=$2
shift 2
libs=$(mktemp -d)
trap 'rm -rf "$libs"' EXIT
unzip -q -o -j "$jar" 'BOOT-INF/lib/*.jar' -d "$libs"
java -cp "$libs/*" "$program" "$@" 2>&1 | grep -v '^SLF4J'
