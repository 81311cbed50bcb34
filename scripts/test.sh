#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The test command: installs missing Debian packages, builds a preset and
# runs the whole CTest suite (unit tests, store suite, fuzz-corpus replays).
# The store suite runs on SQLite always, and on PostgreSQL too: against
# $PANSHI_TEST_PG_DSN when set, else against the loopback test cluster of
# scripts/pg-test-cluster.sh: one already running is used and left running,
# otherwise this script starts one and removes it at exit (and the
# PostgreSQL suite is skipped, with a note, if it cannot).
#
#   bash scripts/test.sh [--preset dev|ci|asan|release] [--no-pg] [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."

preset=dev
[ "${CI:-}" = true ] && preset=ci
pg=yes
while [ $# -gt 0 ]; do
	case "$1" in
	--preset) preset=$2; shift 2 ;;
	--preset=*) preset=${1#*=}; shift ;;
	--no-pg) pg=no; shift ;;
	*) break ;;
	esac
done

bash scripts/setup.sh

cluster_started=no
stop_cluster() {
	if [ "$cluster_started" = yes ]; then
		bash scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true
	fi
}
trap stop_cluster EXIT

if [ "$pg" = yes ] && [ -z "${PANSHI_TEST_PG_DSN:-}" ]; then
	if bash scripts/pg-test-cluster.sh status >/dev/null 2>&1; then
		# someone else's cluster (a manual start, another run): use it, leave it
		eval "$(bash scripts/pg-test-cluster.sh env)"
		export PANSHI_TEST_PG_DSN
	elif bash scripts/pg-test-cluster.sh start; then
		cluster_started=yes
		eval "$(bash scripts/pg-test-cluster.sh env)"
		export PANSHI_TEST_PG_DSN
	else
		echo "test: could not start a PostgreSQL test cluster; store_pgsql will be skipped" >&2
	fi
fi
if [ -n "${PANSHI_TEST_PG_DSN:-}" ]; then
	echo "test: PostgreSQL store suite against ${PANSHI_TEST_PG_DSN}"
fi

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
# the web console (npm registry) for the browser test; says so and goes on
# when Node.js is missing (the browser test then skips)
bash scripts/build-web.sh
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "build/$preset" --output-on-failure -j2 "$@"
