#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages Panshi needs to build, test and run, and
# nothing else. Idempotent: packages already present are left alone and
# apt-get is not called at all when nothing is missing. Run as root (or with
# sudo available).
set -euo pipefail

PKGS=(
	# build
	build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
	# libraries (Debian -dev packages)
	libssl-dev libyaml-dev libjansson-dev libsqlite3-dev libpq-dev
	libcmocka-dev libpcap-dev zlib1g-dev libmicrohttpd-dev libargon2-dev
	# tests: PostgreSQL server for the store suite, sqlite3 CLI for checks,
	# tshark as the independent reference for the traffic engine, tcpreplay
	# (tcprewrite) and python3 for the benchmark capture
	postgresql sqlite3 valgrind tshark tcpreplay python3
	# tests: headless Chromium renders the bulletin (a screenshot), with a
	# CJK font so the Chinese text is drawn
	chromium fonts-wqy-microhei
	# tests: the API's TLS case makes a certificate and an HTTPS request
	openssl curl
	# benchmarks: wrk loads the API on loopback
	wrk
	# the console's npm packages come over HTTPS
	ca-certificates
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

# The web console is built with Node.js and npm (packages from the npm
# registry). A machine that already has them (e.g. a newer Node.js from
# elsewhere, whose nodejs package conflicts with Debian's npm) keeps its own.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	for p in nodejs npm; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
fi

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all ${#PKGS[@]} packages present"
	exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "setup: missing packages (${missing[*]}) and not root; run as root" >&2
		exit 1
	fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
