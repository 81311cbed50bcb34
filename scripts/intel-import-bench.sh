#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Import every threat-intelligence list of ../shared/data/intel into a
# fresh SQLite store and report the per-file counts, the total time and
# the database size. The lists are large (about 3.3 million indicators),
# so this is a benchmark script rather than a unit test.
#
#   cmake --preset release -B build/release && cmake --build build/release
#   scripts/intel-import-bench.sh [PANSHI_BINARY] [DATA_DIR]
#
# passwords/ holds a weak-password dictionary, not indicators: not imported.
# Exits 77 (skipped) when the data directory is absent.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/release/src/cli/panshi}
data=${2:-$here/../shared/data/intel}

if [ ! -d "$data" ]; then
	echo "intel-import-bench: skipped: no data directory '$data'" >&2
	exit 77
fi
[ -x "$bin" ] || { echo "intel-import-bench: no panshi binary at '$bin'" >&2; exit 1; }

tmp=$(mktemp -d /tmp/panshi-intel-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/intel.db
export PANSHI_LANG=${PANSHI_LANG:-en}

mapfile -t files < <(find "$data" -type f ! -path '*/passwords/*' ! -name '*.md' | sort)
"$bin" --db "$db" init >/dev/null
start=$(date +%s.%N)
set +e
"$bin" --db "$db" intel import "${files[@]}" 2>"$tmp/warnings"
rc=$?
set -e
end=$(date +%s.%N)
grep -c '^warning: .*:[0-9]*: ' "$tmp/warnings" | sed 's/^/bad lines shown: /'
grep -v '^warning: .*:[0-9]*: ' "$tmp/warnings" || true
"$bin" --db "$db" intel stats --format csv | grep '^total,'
size=$(du -cb "$db"* | tail -n1 | cut -f1)
awk -v s="$start" -v e="$end" -v b="$size" 'BEGIN {
	printf "import wall time: %.1f s; database: %.1f MiB\n", e - s, b / 1048576 }'
exit $rc
