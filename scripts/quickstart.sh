#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job on a fresh Debian 12 machine: install what is missing, build
# the release preset, and run Panshi on the embedded SQLite store with the
# bundled sample data: initialise the store, load the policy and the sample
# registry (a fictional operator, samples/registry/) with a self-check and
# a double-random draw, import the sample threat indicators and events,
# analyse the sample captures (flows, protocols, intel hits: EVE events into
# the store and var/sample-eve.json), print the status, the compliance
# calendar, the 固源 findings and the draw check, then group the alerts
# into incidents routed to their owners, list the open ones, write the
# November 2026 threat bulletin to var/bulletin-2026-11.html and verify the
# audit trail. Safe to run again: the store is reused, and captures, events
# and the registry already loaded are skipped.
#
#   bash scripts/quickstart.sh            (store: var/sample.db)
#   PANSHI_DB=/path/x.db bash scripts/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release

panshi=build/release/src/cli/panshi
export PANSHI_CONFIG=${PANSHI_CONFIG:-samples/panshi-sample.yaml}
export PANSHI_DB=${PANSHI_DB:-var/sample.db}

echo "== panshi init (store ${PANSHI_DB}, config ${PANSHI_CONFIG}) =="
"$panshi" --quiet init
"$panshi" policy check

echo "== panshi registry import samples/registry/demo-operator.yaml =="
if [ "$("$panshi" unit list --format csv | wc -l)" -le 1 ]; then
	"$panshi" registry import samples/registry/demo-operator.yaml
	# The important and core catalogue entries were filed on 2025-08-01;
	# DC-1 then grew from 9 to 12 million records (33 %, a major change).
	"$panshi" catalog file DC-1 --date 2025-08-01
	"$panshi" catalog file DC-2 --date 2025-08-01
	"$panshi" catalog edit DC-1 --records 12000000 --change_date 2026-10-15
	"$panshi" assess run protection-self-check --target unit:U-WEB-01 \
		--answers samples/registry/self-check-u-web-01.yaml --date 2026-11-20 \
		--assessor 网络与信息安全部 --owner P-WANG --deadline 2027-01-31
	"$panshi" inspect draw --entities 10 --type vas --province 江苏 \
		--seed 5a3c0e1f9b7d4a2688c1e0f3b5d7a9c2 --scope 江苏2026年双随机抽查
else
	echo "sample registry already in the store"
fi

echo "== panshi intel import samples/intel/demo-indicators.csv =="
# Re-importing the same file updates the indicators in place.
"$panshi" intel import --source panshi-demo samples/intel/demo-indicators.csv

echo "== panshi event import samples/events/*.jsonl =="
# Import once: the sample events carry fixed timestamps.
if [ "$("$panshi" event list --sensor sensor-nj-01 --limit 1 --format csv | wc -l)" -le 1 ]; then
	"$panshi" event import samples/events/sample-eve.jsonl
	"$panshi" event import samples/events/demo-alerts-2026-11.jsonl
else
	echo "sample events already in the store"
fi

echo "== panshi analyze --eve var/sample-eve.json samples/pcap/* =="
"$panshi" analyze --eve var/sample-eve.json samples/pcap/*

echo "== panshi event list --limit 5 =="
"$panshi" event list --limit 5

echo "== panshi status =="
"$panshi" status

# The sample's dates are fixed, so the calendar is shown as of a fixed day.
echo "== panshi calendar --as-of 2026-12-01 --status open =="
"$panshi" calendar --as-of 2026-12-01 --status open

echo "== panshi guyuan check =="
"$panshi" guyuan check

echo "== panshi assess list =="
"$panshi" assess list

echo "== panshi inspect verify DRAW-1 =="
"$panshi" inspect verify DRAW-1

# Alerts become incidents routed to the unit, department and person that
# own the address; the tick verifies, reopens and escalates what is due.
echo "== panshi case correlate =="
"$panshi" case correlate
"$panshi" case tick

echo "== panshi case list --state open =="
"$panshi" case list --state open

echo "== panshi report bulletin --month 2026-11 --out var/bulletin-2026-11.html =="
"$panshi" report bulletin --month 2026-11 --out var/bulletin-2026-11.html
echo "bulletin written to var/bulletin-2026-11.html"

echo "== panshi audit verify =="
"$panshi" audit verify

# The console: built from web/ (npm registry), served by `panshi serve`.
echo "== scripts/build-web.sh =="
bash scripts/build-web.sh

# First users (三员分立: the system administrator manages users; the
# analyst works on the data). Their one-time passwords are printed once
# and must be changed at the first login; on a later run the passwords
# are reset to new one-time passwords so they can be printed again.
echo "== panshi user add admin / analyst =="
for u in admin:sysadmin analyst:analyst; do
	name=${u%%:*} role=${u#*:}
	if "$panshi" user list --format csv | cut -d, -f1 | grep -qx "$name"; then
		"$panshi" user reset "$name"
	else
		"$panshi" user add "$name" --role "$role"
	fi
done

listen=${PANSHI_LISTEN:-127.0.0.1:8443}
if [ -t 0 ] && [ -t 1 ] && [ -z "${PANSHI_NO_SERVE:-}" ]; then
	echo "== panshi serve --listen $listen (Ctrl-C stops) =="
	exec "$panshi" serve --listen "$listen"
else
	echo "not serving: not run from a terminal (or PANSHI_NO_SERVE is set); start the console with"
	echo "  PANSHI_CONFIG=$PANSHI_CONFIG PANSHI_DB=$PANSHI_DB $panshi serve --listen $listen"
fi
