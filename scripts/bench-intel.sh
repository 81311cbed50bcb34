#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Threat-intelligence benchmark, in one run on this machine:
#   1. import every list of ../shared/data/intel into a fresh SQLite store
#      (time, database size);
#   2. build the matching generation from that store (`panshi intel
#      reload` builds one and reports store/table times and memory);
#   3. `panshi analyze --no-store` on capture B (scripts/bench-traffic.sh
#      builds it) without indicators (--no-intel) and with all of them,
#      alternating, best of --runs; the ratio with/without is the figure
#      issue 4 asks for (target >= 0.9);
#   4. the table lookup benchmark (bench/bench_intel_table).
#
#   bash scripts/bench-intel.sh [--runs N]
#
# Uses the release preset in $PANSHI_BENCH_BUILD (default build/ref-release)
# and capture B at $PANSHI_BENCH_DIR/bench.pcap (default /var/tmp/panshi-bench).
# Never run it on a sanitizer build. Writes build/bench/intel.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=2
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	*) echo "bench-intel: unknown option '$1'" >&2; exit 2 ;;
	esac
done

data=${PANSHI_INTEL_DIR:-../shared/data/intel}
build=${PANSHI_BENCH_BUILD:-build/ref-release}
bench=${PANSHI_BENCH_DIR:-/var/tmp/panshi-bench}/bench.pcap
out=build/bench
mkdir -p "$out"
[ -d "$data" ] || { echo "bench-intel: no $data" >&2; exit 77; }
[ -f "$bench" ] || { echo "bench-intel: no $bench: run scripts/bench-traffic.sh first" >&2; exit 1; }

cmake --preset release -B "$build" >/dev/null
cmake --build "$build" >/dev/null
cmake --build "$build" --target bench_intel_table >/dev/null
panshi=$(pwd)/$build/src/cli/panshi
tmp=$(mktemp -d /tmp/panshi-bench-intel.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/intel.db
export PANSHI_LANG=en

{
echo "intel benchmark, $(date -u '+%Y-%m-%d %H:%M:%S') UTC, commit $(git rev-parse --short HEAD)"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

mapfile -t files < <(find "$data" -type f ! -path '*/passwords/*' ! -name '*.md' | sort)
"$panshi" --db "$db" init >/dev/null
t0=$(date +%s.%N)
"$panshi" --db "$db" --quiet intel import "${files[@]}" 2>"$tmp/import.err" || true
t1=$(date +%s.%N)
echo "import: ${#files[@]} files in $(echo "$t1 - $t0" | bc) s; store $(du -m "$db" | cut -f1) MiB"
"$panshi" --db "$db" intel stats --format csv | grep '^total,' | sed 's/^/  /'

echo "generation build (panshi intel reload):"
"$panshi" --db "$db" intel reload 2>&1 >/dev/null | sed 's/^/  /'

cat "$bench" >/dev/null
echo "analyze --no-store on $bench, best of $runs each:"
best_off=999999; best_on=999999
for i in $(seq "$runs"); do
	for mode in off on; do
		args=()
		[ "$mode" = off ] && args=(--no-intel)
		s=$(date +%s.%N)
		"$panshi" --db "$db" --format json analyze --no-store "${args[@]}" \
			"$bench" >"$tmp/sum-$mode-$i.json" 2>"$tmp/err-$mode"
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		echo "  run $i intel $mode: $t s"
		if [ "$mode" = off ]; then
			best_off=$(echo "if ($t < $best_off) $t else $best_off" | bc)
		else
			best_on=$(echo "if ($t < $best_on) $t else $best_on" | bc)
		fi
	done
done
python3 - "$tmp" "$runs" "$best_off" "$best_on" <<'PY'
import json, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
t_off, t_on = float(sys.argv[3]), float(sys.argv[4])
def best(mode):
	# the engine's own time (reading and analysing the capture, without
	# opening the store and building the generation), best run
	return min(json.load(open('%s/sum-%s-%d.json' % (tmp, mode, i)))['seconds']
		   for i in range(1, runs + 1))
off = json.load(open('%s/sum-off-1.json' % tmp))
on = json.load(open('%s/sum-on-1.json' % tmp))
e_off, e_on = best('off'), best('on')
pk = off['packets']
print('  without indicators: %.2f s analysing (%.2f s wall), %.2f M packets/s'
      % (e_off, t_off, pk / e_off / 1e6))
print('  with %d indicators: %.2f s analysing (%.2f s wall, with the build), '
      '%.2f M packets/s; matches %d, alerts %d'
      % (on['intel_indicators'], e_on, t_on, pk / e_on / 1e6,
         on['intel_matches'], on['intel_alerts']))
print('  ratio with/without (analysing time): %.3f (target >= 0.9)'
      % (e_off / e_on))
PY
grep -h "indicators ready" "$tmp/err-on" | sed 's/^/  /' || true

echo "table lookups (bench/bench_intel_table):"
"$build/bench/bench_intel_table" 2>&1 | sed 's/^/  /'
} | tee "$out/intel.txt"
