#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Threat-intelligence hits against the labelled synthetic captures.

../shared/data/pcap/synthetic/expected-ti-hits.tsv names, per capture, the
field and value that must raise an alert and the list (under
../shared/data/intel) that holds the indicator. This imports those lists
(and the two digests the generator made up, which are in no list) into a
fresh store, runs `panshi analyze --no-store --eve` on every synthetic
capture and compares:

  * each capture's alerts, as (field, observed value) pairs, with the
    expected ones: nothing missing, nothing extra;
  * an alert the file does not list must be on a value that really is in
    one of the imported lists (read here with plain Python, independently
    of panshi): the generator drew random addresses, and a few of them
    are listed by chance (ddos-mixed.pcap). Those are reported, not
    failures; an alert on a value in no list is a failure.

An "ip" hit may be seen as a flow's address or in a DNS answer.

Several indicators may match one observed value (a name in two lists, a
Maltrail domain that covers its subdomains): they are one pair here.

Usage: ti_hits.py --panshi PATH --out DIR [--shared DIR]
Exit 0 when everything matches, 1 when not, 77 when ../shared is absent.
"""

import argparse
import collections
import json
import os
import subprocess
import sys

SKIP = 77

# expected-ti-hits field -> the alert's intel.field values that satisfy it
FIELDS = {
	'ip': ('src_ip', 'dest_ip', 'dns.answer'),
	'dst.ip': ('dest_ip',),
	'dns.query': ('dns.query',),
	'http.host': ('http.hostname',),
	'tls.sni': ('tls.sni',),
	'url': ('http.url',),
	'file.md5': ('fileinfo.md5',),
	'file.sha256': ('fileinfo.sha256',),
}
SYNTHETIC = 'synthetic (not in any list'


def expected(tsv):
	"""{capture: {(field, value)}}, [list files], [synthetic digests]."""
	hits = collections.defaultdict(set)
	lists, made_up = [], []
	with open(tsv, encoding='utf-8') as f:
		for n, line in enumerate(f, 1):
			if line.startswith('#') or not line.strip():
				continue
			cols = line.rstrip('\n').split('\t')
			if len(cols) < 4:
				sys.exit('%s:%d: want pcap, field, indicator, list' % (tsv, n))
			cap, field, value, lst = cols[:4]
			if field not in FIELDS:
				sys.exit('%s:%d: unknown field %r' % (tsv, n, field))
			hits[cap].add((field, value))
			if lst.startswith('synthetic'):
				made_up.append(value)
			else:
				lst = lst.split(' ')[0]
				if '/' not in lst:          # "maltrail-static.tsv.gz (family)"
					lst = 'maltrail/' + lst
				if lst not in lists:
					lists.append(lst)
	return hits, lists, made_up


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')


def run(cmd, **kw):
	# from the project root: `panshi init` loads policy/ from there
	p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kw)
	if p.returncode != 0:
		sys.exit('failed (%d): %s\n%s' % (p.returncode, ' '.join(cmd),
						   p.stderr[-3000:]))
	return p


def alerts(eve):
	"""{(field, value)} of the alerts in an EVE file."""
	got = set()
	with open(eve, encoding='utf-8') as f:
		for line in f:
			ev = json.loads(line)
			if ev.get('event_type') == 'alert' and 'intel' in ev:
				got.add((ev['intel']['field'], ev['intel']['value']))
	return got


def list_values(paths):
	"""Every value the lists hold, read without panshi: the first column
	(Maltrail: "ip:port" without the port), lower-case."""
	import gzip
	vals = set()
	for path in paths:
		opener = gzip.open if path.endswith('.gz') else open
		with opener(path, 'rt', encoding='utf-8', errors='replace') as f:
			for line in f:
				tok = line.strip().split('\t')[0].split(' ')[0].split(',')[0]
				if not tok or tok[0] in '#;':
					continue
				tok = tok.strip('"').lower()
				if tok.count(':') == 1 and tok.rsplit(':', 1)[1].isdigit():
					tok = tok.rsplit(':', 1)[0]
				vals.add(tok)
	return vals


def listed(value, vals):
	"""value (or, for a name, a parent domain) is in vals."""
	v = value.lower()
	if v.startswith('http://'):
		v = v[7:]
	if v in vals:
		return True
	parts = v.split('.')
	return any('.'.join(parts[i:]) in vals for i in range(1, len(parts)))


def satisfied(field, value, got):
	want = value if field != 'url' else 'http://' + value
	return any((f, want) in got for f in FIELDS[field])


def main():
	ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
	ap.add_argument('--panshi', required=True)
	ap.add_argument('--out', required=True)
	ap.add_argument('--shared', default=os.path.join(
		os.path.dirname(os.path.abspath(__file__)), '..', '..', '..',
		'shared'))
	a = ap.parse_args()
	a.panshi = os.path.abspath(a.panshi)
	a.out = os.path.abspath(a.out)
	a.shared = os.path.abspath(a.shared)
	syn = os.path.join(a.shared, 'data', 'pcap', 'synthetic')
	tsv = os.path.join(syn, 'expected-ti-hits.tsv')
	if not os.path.exists(tsv):
		print('skipped: %s is absent (clone ../shared beside the project)'
		      % tsv)
		return SKIP
	hits, lists, made_up = expected(tsv)
	os.makedirs(a.out, exist_ok=True)
	db = os.path.join(a.out, 'ti-hits.db')
	for p in (db, db + '-wal', db + '-shm'):
		if os.path.exists(p):
			os.unlink(p)
	run([a.panshi, '--db', db, 'init'])
	paths = [os.path.join(a.shared, 'data', 'intel', l) for l in lists]
	run([a.panshi, '--db', db, '--quiet', 'intel', 'import'] + paths)
	digests = os.path.join(a.out, 'synthetic-digests.txt')
	with open(digests, 'w') as f:
		f.write('\n'.join(made_up) + '\n')
	run([a.panshi, '--db', db, '--quiet', 'intel', 'import', '--source',
	     'synthetic-digests', digests])
	vals = None
	caps = sorted(c for c in os.listdir(syn)
		      if c.endswith(('.pcap', '.pcapng')))
	bad = 0
	for cap in caps:
		eve = os.path.join(a.out, cap + '.eve.json')
		run([a.panshi, '--db', db, '--quiet', 'analyze', '--no-store',
		     '--eve', eve, os.path.join(syn, cap)])
		got = alerts(eve)
		want = hits.get(cap, set())
		missing = sorted(h for h in want if not satisfied(*h, got))
		wanted = set()
		for field, value in want:
			v = value if field != 'url' else 'http://' + value
			wanted.update((f, v) for f in FIELDS[field])
		extra = sorted(g for g in got if g not in wanted)
		if extra and vals is None:
			vals = list_values(paths) | set(made_up)
		chance = [x for x in extra if listed(x[1], vals)]
		extra = [x for x in extra if not listed(x[1], vals)]
		print('%-34s expected %3d  alerts on %3d values  missing %d  '
		      'listed by chance %d  extra %d' % (cap, len(want), len(got),
		      len(missing), len(chance), len(extra)))
		for m in missing:
			print('  missing: %s %s' % m)
		for x in chance:
			print('  listed by chance: %s %s' % x)
		for x in extra:
			print('  extra:   %s %s' % x)
		bad += len(missing) + len(extra)
	print('lists: %s' % ', '.join(lists))
	print('OK' if not bad else 'FAILED: %d differences' % bad)
	return 0 if not bad else 1


if __name__ == '__main__':
	sys.exit(main())
