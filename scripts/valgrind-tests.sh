#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every CTest test with the label "unit" of a build directory under
# valgrind memcheck (definite leaks and memory errors fail the run). Tests
# that exit 77 (skipped) count as skipped.
#
#   bash scripts/valgrind-tests.sh [BUILD_DIR]     (default build/ci)
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/ci}
export PANSHI_SOURCE_DIR=$PWD

pass=0 fail=0 skip=0
while IFS= read -r line; do
	cmd=${line#*Test command: }
	[ "$cmd" = "$line" ] && continue
	cmd=${cmd//\"/}
	# shellcheck disable=SC2086
	set -- $cmd
	name=$(basename "$1")
	case "$name" in
	*_test_*|store_test_store) ;;
	*) continue ;;
	esac
	out=$(mktemp)
	valgrind --quiet --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		"$@" >"$out" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "valgrind: $name ${2:-} ok" ;;
	77) skip=$((skip + 1)); echo "valgrind: $name ${2:-} skipped" ;;
	*) fail=$((fail + 1)); echo "valgrind: $name ${2:-} FAILED (exit $rc)"; tail -40 "$out" ;;
	esac
	rm -f "$out"
done < <(ctest --test-dir "$dir" -N -V -L unit 2>/dev/null)

echo "valgrind: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
