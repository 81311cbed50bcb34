#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A throwaway PostgreSQL cluster for the store test suite: initdb into a
# scratch directory, listen only on 127.0.0.1, trust auth, database
# panshi_test. Uses Debian's server binaries (package `postgresql`), the
# highest version installed; any cluster Debian itself started is ignored.
#
#   scripts/pg-test-cluster.sh start   # idempotent; creates and starts it
#   eval "$(scripts/pg-test-cluster.sh env)"
#   ctest --test-dir build/dev -L store
#   scripts/pg-test-cluster.sh stop    # stops it and deletes its directory
#
# Environment: PANSHI_PG_DIR (default /tmp/panshi-pg), PANSHI_PG_PORT
# (default 54329). Run as root, the server runs as the `postgres` user
# (initdb refuses root), so PANSHI_PG_DIR's parent must be reachable by it.
set -euo pipefail

DIR=${PANSHI_PG_DIR:-/tmp/panshi-pg}
PORT=${PANSHI_PG_PORT:-54329}
DB=panshi_test
DATA=$DIR/data
LOG=$DIR/server.log

die() {
	echo "pg-test-cluster: $*" >&2
	exit 1
}

bindir() {
	local d best
	# The glob sorts 10 before 9: pick the numerically highest version.
	best=$(for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && echo "$d"
	done | sort -t/ -k5,5n | tail -n1)
	[ -n "$best" ] || die "no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql)"
	echo "$best"
}

# Run a command as the cluster's owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

running() {
	[ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

init_cluster() {
	mkdir -p "$DIR"
	chmod 0700 "$DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
	as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
		die "initdb failed, see $DIR/initdb.log"
	# Tests only: no durability, loopback only, socket beside the data.
	cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
}

wait_ready() {
	local i
	for i in $(seq 1 60); do
		if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres; then
			return 0
		fi
		sleep 0.5
	done
	die "server did not become ready on 127.0.0.1:$PORT, see $LOG"
}

start() {
	if running; then
		echo "pg-test-cluster: already running on 127.0.0.1:$PORT ($DATA)" >&2
	else
		[ -f "$DATA/PG_VERSION" ] || init_cluster
		as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null ||
			die "cannot start the server, see $LOG"
	fi
	wait_ready
	if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
		"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
	fi
	echo "pg-test-cluster: ready; eval \"\$($0 env)\" to use it" >&2
}

stop() {
	if running; then
		as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
	fi
	rm -rf "$DIR"
	echo "pg-test-cluster: stopped, removed $DIR" >&2
}

env_line() {
	echo "export PANSHI_TEST_PG_DSN=postgresql://postgres@127.0.0.1:$PORT/$DB"
}

BIN=$(bindir)
case "${1:-}" in
start) start ;;
stop) stop ;;
env) env_line ;;
status)
	if running; then echo "running on 127.0.0.1:$PORT ($DATA)"; else echo "stopped"; exit 3; fi
	;;
*)
	echo "usage: $0 start|stop|env|status" >&2
	exit 2
	;;
esac
