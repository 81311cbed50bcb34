#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run one panshi binary (normally the ASan+UBSan build) over every public
# capture in ../shared/data/pcap, one process per capture, and fail on any
# sanitizer report or crash. A capture that libpcap cannot read is an
# expected error (exit 1 with a message), not a failure; a signal or a
# sanitizer exit code is. Skips (exit 0, says so) without ../shared.
#
#   bash scripts/run-captures.sh [--intel] build/asan/src/cli/panshi
#
# --intel first imports part of ../shared/data/intel (phishing domains, C2
# addresses, URLs, JA3 and MD5 lists: about 290,000 indicators) into a
# store in the temporary directory, so that every capture also goes
# through intelligence matching and alert writing.
set -euo pipefail
cd "$(dirname "$0")/.."
intel=no
if [ "${1:-}" = --intel ]; then
	intel=yes
	shift
fi
panshi=${1:?usage: $0 [--intel] PANSHI}
dir=${PANSHI_PCAP_DIR:-../shared/data/pcap}
if [ ! -d "$dir" ]; then
	echo "run-captures: skipped: $dir is absent (clone ../shared beside the project)"
	exit 0
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=86}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
db_args=()
if [ $intel = yes ] && [ -d "$dir/../intel" ]; then
	i=$dir/../intel
	"$panshi" --db "$out/intel.db" init >/dev/null
	"$panshi" --db "$out/intel.db" --quiet intel import \
		"$i/domain/phishing-openphish.txt" \
		"$i/ip/romainmarcoux-malicious-ip-outgoing-c2.txt" \
		"$i/url/urlhaus-filter.txt" "$i/ja3/sslbl-ja3-fingerprints.csv" \
		"$i/hash/malicious-md5.txt"
	db_args=(--db "$out/intel.db")
	echo "run-captures: matching against $("$panshi" --db "$out/intel.db" \
		intel stats --format csv | grep '^total,live,' | cut -d, -f3) indicators"
fi
n=0; bad=0; unreadable=0; pkts=0
while IFS= read -r -d '' f; do
	n=$((n + 1))
	set +e
	"$panshi" "${db_args[@]}" --quiet --format json analyze --no-store \
		--workers $(( n % 2 + 1 )) --eve /dev/null "$f" \
		>"$out/summary" 2>"$out/err"
	rc=$?
	set -e
	if [ $rc -ne 0 ] && [ $rc -ne 1 ] || grep -q "Sanitizer\|runtime error" "$out/err"; then
		echo "run-captures: FAIL $f (exit $rc)"
		head -30 "$out/err"
		bad=$((bad + 1))
	elif [ $rc -eq 1 ]; then
		unreadable=$((unreadable + 1))
		echo "run-captures: note: $(head -1 "$out/err")"
	fi
done < <(find "$dir" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 | sort -z)
echo "run-captures: $n captures, $bad failed, $unreadable reported as unreadable or corrupt"
[ $bad -eq 0 ]
