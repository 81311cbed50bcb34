#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Traffic benchmark: `panshi analyze` on one large capture, reported as a
# ratio to a bare libpcap read loop (bench/pcap_read_loop.c) measured in
# the same run, with peak RSS and memory per flow.
#
#   bash scripts/bench-traffic.sh [--keep] [--workers "1 2"] [--runs N]
#
# Steps: build capture B (../shared/data/pcap/make-bench-pcap.sh, default
# 1536 MiB) into $PANSHI_BENCH_DIR (default /var/tmp/panshi-bench) unless a
# copy with the recorded size and inputs is already there; build the release
# preset in $PANSHI_BENCH_BUILD (default build/ref-release) and the read
# loop; read the capture once to warm the page cache; run the read loop
# twice (best run counts) and `panshi --format json --db DB analyze
# --no-store --workers N B`, then the same with `--eve FILE`, for each N
# (best of --runs, default 1). Peak RSS and CPU time come from wait4(2). The table goes to stdout
# and to build/bench/traffic.txt. The EVE files and logs are written under
# build/bench/ and removed at the end unless --keep.
#
# Never run this under sanitizers: it builds the release preset itself.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

keep=no
workers="1 2"
runs=1
while [ $# -gt 0 ]; do
	case "$1" in
	--keep) keep=yes; shift ;;
	--workers) workers=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "bench-traffic: unknown option '$1'" >&2; exit 2 ;;
	esac
done

pcapdir=${PANSHI_PCAP_DIR:-$src/../shared/data/pcap}
cache=${PANSHI_BENCH_DIR:-/var/tmp/panshi-bench}
build=${PANSHI_BENCH_BUILD:-build/ref-release}
target_mib=${PANSHI_BENCH_MIB:-1536}
out=build/bench
bench=$cache/bench.pcap

[ -x "$pcapdir/make-bench-pcap.sh" ] || [ -f "$pcapdir/make-bench-pcap.sh" ] || {
	echo "bench-traffic: no $pcapdir/make-bench-pcap.sh (set PANSHI_PCAP_DIR)" >&2
	exit 1
}
mkdir -p "$cache" "$out"

# ---- capture B: reuse it when its size and inputs match the record.
inputs_id() {
	(cd "$pcapdir" && find . -type f \( -name '*.pcap' -o -name '*.pcapng' \
		-o -name '*.cap' -o -name make-bench-pcap.sh \) -printf '%p %s\n' |
		LC_ALL=C sort; echo "mib=$target_mib maxgap=${MAXGAP:-1.0}") |
		sha256sum | cut -c1-16
}
want_id=$(inputs_id)
if [ -f "$bench" ] && [ -f "$bench.meta" ] &&
   [ "$(cat "$bench.meta")" = "$(stat -c %s "$bench") $want_id" ]; then
	echo "bench-traffic: reusing $bench ($(stat -c %s "$bench") bytes)" >&2
else
	echo "bench-traffic: building $bench (${target_mib} MiB, about 80 s)" >&2
	rm -f "$bench" "$bench.meta"
	TMPDIR=$cache bash "$pcapdir/make-bench-pcap.sh" "$bench.part" "$target_mib"
	mv "$bench.part" "$bench"
	echo "$(stat -c %s "$bench") $want_id" >"$bench.meta"
fi

# ---- build
build_log=$out/build.log
if ! { cmake --preset release -B "$build" && cmake --build "$build" &&
       cmake --build "$build" --target pcap_read_loop; } >"$build_log" 2>&1; then
	tail -n 40 "$build_log" >&2
	echo "bench-traffic: build failed (full log: $build_log)" >&2
	exit 1
fi
panshi=$build/src/cli/panshi
loop=$build/bench/pcap_read_loop
[ -x "$panshi" ] || { echo "bench-traffic: no $panshi after the build" >&2; exit 1; }

echo "bench-traffic: warming the page cache" >&2
cat "$bench" >/dev/null

tmp=$(mktemp -d "$out/run.XXXXXX")
cleanup() { [ "$keep" = yes ] || rm -rf "$tmp"; }
trap cleanup EXIT

# The runner measures each command (wall, user+sys, peak RSS via wait4),
# parses the outputs and prints the table.
python3 - "$src" "$bench" "$loop" "$panshi" "$tmp" "$out/traffic.txt" \
	"$workers" "$runs" "$keep" <<'PY'
import json, os, platform, re, subprocess, sys, time

src, bench, loop, panshi, tmp, report, workers, runs, keep = sys.argv[1:]
workers = [int(w) for w in workers.split()]
runs = max(1, int(runs))


def measure(cmd, log):
	"""Run cmd; (wall s, cpu s, peak RSS KiB, rc, stdout)."""
	with open(log, 'wb') as err:
		t0 = time.monotonic()
		p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
		out = p.stdout.read()
		_, status, ru = os.wait4(p.pid, 0)
		wall = time.monotonic() - t0
		p.returncode = os.waitstatus_to_exitcode(status)
	return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode, \
		out.decode('utf-8', 'replace')


def summary_value(text, *keys):
	"""A number from panshi's summary: JSON (any depth) or text."""
	try:
		doc = json.loads(text)
	except ValueError:
		doc = None
	if doc is not None:
		stack = [doc]
		while stack:
			d = stack.pop()
			if isinstance(d, dict):
				for k in keys:
					if isinstance(d.get(k), (int, float)) and \
					   not isinstance(d.get(k), bool):
						return d[k]
				stack.extend(d.values())
			elif isinstance(d, list):
				stack.extend(d)
	for k in keys:
		m = re.search(r'\b%s\b\s*[:=]?\s*([\d,]+)' % re.escape(k), text,
			      re.I) or re.search(r'([\d,]+)\s+%s\b' % re.escape(k),
						 text, re.I)
		if m:
			return int(m.group(1).replace(',', ''))
	return None


load0 = os.getloadavg()[0]
rows = []
best = None
for i in range(2):
	wall, cpu, rss, rc, out = measure([loop, bench],
					   os.path.join(tmp, 'loop%d.log' % i))
	if rc != 0:
		sys.exit('bench-traffic: read loop failed (see %s)' % tmp)
	kv = dict(x.split('=', 1) for x in out.split())
	r = {'what': 'read loop (best of 2)', 'packets': int(kv['packets']),
	     'secs': float(kv['seconds']), 'cpu': cpu, 'rss': rss,
	     'flows': None}
	if best is None or r['secs'] < best['secs']:
		best = r
rows.append(best)
for n, with_eve in [(n, e) for n in workers for e in (False, True)]:
	pick = None
	tag = 'w%d%s' % (n, '-eve' if with_eve else '')
	for i in range(runs):
		eve = os.path.join(tmp, 'eve-%s-%d.json' % (tag, i))
		cmd = [panshi, '--format', 'json', '--db',
		       os.path.join(tmp, 'bench-%s-%d.db' % (tag, i)), 'analyze',
		       '--no-store', '--workers', str(n)]
		if with_eve:
			cmd += ['--eve', eve]
		cmd.append(bench)
		log = os.path.join(tmp, 'panshi-%s-%d.log' % (tag, i))
		wall, cpu, rss, rc, out = measure(cmd, log)
		with open(log + '.stdout', 'w') as f:
			f.write(out)
		if rc != 0:
			sys.exit('bench-traffic: panshi failed (exit %d): %s' % (
				rc, open(log).read()[-2000:]))
		r = {'what': 'panshi --workers %d%s' % (
			n, ' --eve FILE' if with_eve else ''),
		     'packets': summary_value(out, 'packets', 'pkts'),
		     'flows': summary_value(out, 'flows'),
		     'flow_mem': summary_value(out, 'flow_memory_peak'),
		     'peak_flows': summary_value(out, 'peak_flows'),
		     'secs': wall, 'cpu': cpu, 'rss': rss,
		     'eve_bytes': os.path.getsize(eve) if os.path.exists(eve)
		     else 0}
		if r['packets'] is None:
			r['packets'] = best['packets']
			r['note'] = 'packets from the read loop'
		if pick is None or r['secs'] < pick['secs']:
			pick = r
		if keep != 'yes' and os.path.exists(eve):
			os.unlink(eve)
	if runs > 1:
		pick['what'] += ' (best of %d)' % runs
	rows.append(pick)

base_pps = best['packets'] / best['secs']
cpu_model = ''
try:
	with open('/proc/cpuinfo') as f:
		for line in f:
			if line.startswith('model name'):
				cpu_model = line.split(':', 1)[1].strip()
				break
except OSError:
	pass
load = os.getloadavg()
commit = subprocess.run(['git', '-C', src, 'rev-parse', '--short', 'HEAD'],
			capture_output=True, text=True).stdout.strip()
lines = [
	'traffic benchmark, %s, commit %s' % (
		time.strftime('%Y-%m-%d %H:%M:%S %z'), commit or '?'),
	'machine: %s, %d CPUs, %s' % (platform.node(), os.cpu_count() or 0,
				       cpu_model or platform.machine()),
	'capture: %s, %d bytes' % (bench, os.path.getsize(bench)),
	'load average before the runs: %.2f (after: %.2f)%s' % (
		load0, load[0], '  WARNING: the machine was busy; numbers are '
		'not comparable' if load0 > 0.5 * (os.cpu_count() or 1) + 0.5
		else ''),
	'',
	'%-30s %9s %8s %8s %10s %7s %8s %8s %8s %8s %9s' % (
		'run', 'packets', 'seconds', 'cpu s', 'packets/s', 'ratio',
		'peak MiB', 'flows', 'B/flow', 'peak fl', 'B/peak fl'),
]
for r in rows:
	pps = r['packets'] / r['secs'] if r['secs'] else 0
	flows, peak = r.get('flows'), r.get('peak_flows')
	rss = r['rss'] * 1024.0
	lines.append('%-30s %9d %8.2f %8.2f %10.0f %7.4f %8.1f %8s %8s %8s %9s'
		     % (r['what'], r['packets'], r['secs'], r['cpu'], pps,
			pps / base_pps, rss / 1048576.0,
			'%d' % flows if flows else '-',
			'%.0f' % (rss / flows) if flows else '-',
			'%d' % peak if peak else '-',
			'%.0f' % (rss / peak) if peak else '-'))
	if r.get('note'):
		lines[-1] += '  (' + r['note'] + ')'
for r in rows:
	if r.get('flow_mem') and r.get('peak_flows'):
		lines.append('%s: flow table peak %.1f MiB for %d flows at '
			     'once = %.0f bytes/flow' % (
				     r['what'], r['flow_mem'] / 1048576.0,
				     r['peak_flows'],
				     r['flow_mem'] / r['peak_flows']))
lines += ['',
	  'ratio = packets/s / the read loop\'s packets/s in this run; cpu s =',
	  'user + system time; peak MiB = peak RSS (wait4); flows = flows',
	  'panshi reports for the run, peak fl = most flows alive at once;',
	  'B/flow and B/peak fl = peak RSS divided by those (upper bounds:',
	  'RSS also holds code, buffers, reassembly and the EVE writer).']
text = '\n'.join(lines) + '\n'
sys.stdout.write(text)
with open(report, 'w') as f:
	f.write(text)
PY
echo "bench-traffic: wrote $out/traffic.txt" >&2
