#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the web console (web/) into web/dist for `panshi serve`. Idempotent
# and quiet: installs the npm packages only when package-lock.json is newer
# than web/node_modules, then runs the Vite build when a source is newer
# than web/dist; one line on success.
# Without node or npm it says so and exits 0 (the API works without it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "web: node/npm missing, console not built"
	exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cd "$web"

# one build at a time (two test runs may call this together)
if command -v flock >/dev/null 2>&1; then
	exec 9>.build-web.lock
	flock 9
fi

stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -e "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
	if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
		cat "$log" >&2
		echo "web: npm ci failed" >&2
		exit 1
	fi
	touch "$stamp"
fi

# nothing changed since the last build: keep it
if [ -e dist/index.html ] && [ -z "$(find src public index.html package.json package-lock.json \
	vite.config.ts tsconfig.json -newer dist/index.html -print -quit 2>/dev/null)" ]; then
	echo "web: console up to date in web/dist"
	exit 0
fi

if ! npm run build >"$log" 2>&1; then
	cat "$log" >&2
	echo "web: build failed" >&2
	exit 1
fi
echo "web: console built in web/dist ($(find dist -type f | wc -l) files, node $(node --version))"
