#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job on a fresh Debian 12 machine: install what is missing, build
# the release preset, and run Panshi on the embedded SQLite store with the
# bundled sample data: initialise the store, load the policy, import the
# sample events, analyse the sample captures (flows, protocols, EVE events
# into the store and var/sample-eve.json), print the status. Safe to run
# again: the store is reused and captures already analysed are skipped.
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

echo "== panshi event import samples/events/sample-eve.jsonl =="
# Import once: the sample events carry fixed timestamps.
if [ "$("$panshi" event list --sensor sensor-nj-01 --limit 1 --format csv | wc -l)" -le 1 ]; then
	"$panshi" event import samples/events/sample-eve.jsonl
else
	echo "sample events already in the store"
fi

echo "== panshi analyze --eve var/sample-eve.json samples/pcap/* =="
"$panshi" analyze --eve var/sample-eve.json samples/pcap/*

echo "== panshi event list --limit 5 =="
"$panshi" event list --limit 5

echo "== panshi status =="
"$panshi" status
