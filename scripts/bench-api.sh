#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of the REST API on loopback: a store with 1,000,000 incidents
# (the sample registry's units, spread over a year), `panshi serve`, and
# wrk against the incident list (first page, a filtered page, a sorted
# page and a unit owner's page) and, in the same run as the baseline, /api/v1/health,
# which touches no table. Reports requests/s, p50 and p99 latency and the
# list's throughput as a ratio to the baseline in build/bench/api.txt.
# A benchmark, never a test: timings depend on the machine's load. wrk
# runs one thread, so on a 2-core machine the server keeps a core of its own.
#
#   bash scripts/bench-api.sh [INCIDENTS (1000000)] [SECONDS (20)]
#   PANSHI_BENCH_DB=postgresql://... bash scripts/bench-api.sh   (PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-1000000}
conns=${PANSHI_BENCH_CONNS:-16}
secs=${2:-20}
work=/var/tmp/panshi-bench/api
out=build/bench/api.txt
mkdir -p "$work" build/bench

command -v wrk >/dev/null || { echo "bench-api: wrk missing (scripts/setup.sh installs it)" >&2; exit 1; }
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null
panshi=$PWD/build/release/src/cli/panshi

db=${PANSHI_BENCH_DB:-$work/api-$n.db}
cat > "$work/bench.yaml" <<EOF
general:
  data_dir: $work
store:
  db: "$db"
api:
  rate_per_minute: 0
  threads: 4
EOF
tag=$(basename "$db")   # one audit key per store: a PostgreSQL run keeps the SQLite store's
export PANSHI_CONFIG=$work/bench.yaml PANSHI_DB=$db PANSHI_AUDIT_KEY=$work/audit-$tag.key

units="'U-CORE-01','U-BRAS-01','U-IDC-01','U-CDN-01','U-DNS-01','U-CLOUD-01','U-WEB-01','U-IIP-01','U-IDR-01','U-IOV-01','U-MAIL-01','U-OA-01'"
cols="group_key, kind, title, category, severity, level, state, asset_ip, unit, dept, person, first_seen, last_seen, event_count, state_since, created_at, updated_at"
# one row per i: kinds, states, units and times cycle with co-prime periods
row() { # $1 = the integer expression of i, $2 = the text of i, $3 = pick(list, k)
	local i=$1 t=$2
	echo "'bench|' || $t, (ARRAY['intel','ids','flood'])[$i % 3 + 1], 'bench incident ' || $t,
	 (ARRAY['malicious_ip','malicious_domain','malicious_program','security_hazard','DDoS'])[$i % 5 + 1],
	 1 + $i % 4, 'none',
	 (ARRAY['new','triaged','assigned','in_progress','rectified','verified','closed'])[$i % 7 + 1],
	 '10.' || ($i / 65536 % 256) || '.' || ($i / 256 % 256) || '.' || ($i % 256),
	 (ARRAY[$units])[$i % 12 + 1], 'D-NET', 'P-LI',
	 1735660800000000 + $i * 31536000000 / $n, 1735660800000000 + $i * 31536000000 / $n + 3600000000,
	 1 + $i % 17, 1735660800000000, 1735660800000000, 1735660800000000"
}

if [ ! -e "$work/loaded-$n-$tag" ]; then
	echo "bench-api: building a store with $n incidents in $db"
	rm -f "$db" "$db-wal" "$db-shm" "$PANSHI_AUDIT_KEY"
	"$panshi" --quiet init
	"$panshi" registry import samples/registry/demo-operator.yaml >/dev/null
	case "$db" in
	postgres*)
		psql -q -v ON_ERROR_STOP=1 "$db" -c "INSERT INTO incidents ($cols)
			SELECT $(row i i::text) FROM generate_series(1, $n) AS s(i);
			ANALYZE incidents;" ;;
	*)
		# SQLite has no arrays: the same rows with CASE-free lookups in
		# json arrays
		sqlite3 "$db" "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
			INSERT INTO incidents ($cols)
			SELECT 'bench|' || i, json_extract('[\"intel\",\"ids\",\"flood\"]', '\$[' || (i % 3) || ']'),
			 'bench incident ' || i,
			 json_extract('[\"malicious_ip\",\"malicious_domain\",\"malicious_program\",\"security_hazard\",\"DDoS\"]', '\$[' || (i % 5) || ']'),
			 1 + i % 4, 'none',
			 json_extract('[\"new\",\"triaged\",\"assigned\",\"in_progress\",\"rectified\",\"verified\",\"closed\"]', '\$[' || (i % 7) || ']'),
			 '10.' || (i / 65536 % 256) || '.' || (i / 256 % 256) || '.' || (i % 256),
			 json_extract('[$(echo "$units" | tr "'" '"')]', '\$[' || (i % 12) || ']'), 'D-NET', 'P-LI',
			 1735660800000000 + i * 31536000000 / $n, 1735660800000000 + i * 31536000000 / $n + 3600000000,
			 1 + i % 17, 1735660800000000, 1735660800000000, 1735660800000000 FROM s;
			ANALYZE;" ;;
	esac
	touch "$work/loaded-$n-$tag"
fi

"$panshi" --quiet init   # migrations of a store built by an older panshi
"$panshi" user add bench --role analyst --password-stdin <<<"bench-password-123" >/dev/null 2>&1 || true
# the secret is the last line of `token create`
token=$("$panshi" token create --user bench --label bench | tail -1)
[ -n "$token" ] || { echo "bench-api: could not create a token" >&2; exit 1; }
# a unit owner of two units: the list is scoped to them (unit IN (...))
"$panshi" user add bench-owner --role unit_owner --units U-IDC-01,U-CORE-01 \
	--password-stdin <<<"bench-password-123" >/dev/null 2>&1 || true
owner_token=$("$panshi" token create --user bench-owner --label bench | tail -1)
[ -n "$owner_token" ] || { echo "bench-api: could not create the owner's token" >&2; exit 1; }

"$panshi" serve --listen 127.0.0.1:0 > "$work/serve.out" 2>"$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	port=$(sed -n 's#^.*http://127\.0\.0\.1:\([0-9]*\)/.*$#\1#p' "$work/serve.out" | head -1)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "${port:-}" ] || { cat "$work/serve.err" >&2; exit 1; }
base=http://127.0.0.1:$port/api/v1

measure() { # name url [token] -> "name rps p50_ms p99_ms non_2xx"
	local r
	r=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer ${3:-$token}" "$2")
	echo "$r" >> "$work/wrk.log"
	awk -v name="$1" '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
		/^ *50%/ { p50 = ms($2) } /^ *99%/ { p99 = ms($2) } /Requests\/sec/ { rps = $2 }
		/Non-2xx/ { bad = $NF }
		END { printf "%s %.0f %.2f %.2f %s\n", name, rps, p50, p99, bad ? bad : 0 }' <<<"$r"
}

: > "$work/wrk.log"
health=$(measure health "$base/health")
first=$(measure incidents_first_page "$base/incidents?limit=50")
filtered=$(measure incidents_filtered "$base/incidents?state=open&unit=U-IDC-01&limit=50&offset=1000")
sorted=$(measure incidents_by_severity "$base/incidents?unit=U-IDC-01&sort=-severity&limit=50")
owner=$(measure incidents_unit_owner "$base/incidents?limit=50&offset=100" "$owner_token")
{
	echo "# bench-api: $n incidents, $(date -u +%Y-%m-%dT%H:%M:%SZ), wrk -t1 -c$conns -d${secs}s, $(nproc) cores, backend ${db%%:*}"
	echo "# name requests_per_s p50_ms p99_ms non_2xx ratio_to_health"
	hr=$(echo "$health" | awk '{print $2}')
	for l in "$health" "$first" "$filtered" "$sorted" "$owner"; do
		echo "$l" | awk -v hr="$hr" '{ printf "%s %s %s %s %s %.3f\n", $1, $2, $3, $4, $5, $2 / hr }'
	done
} | tee "$out"
