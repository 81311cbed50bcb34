#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare what `panshi analyze` extracts from captures with what tshark decodes.

For every capture under DIR (recursive: .pcap, .pcapng, .cap) this runs tshark
(the independent reference) and `panshi analyze`, turns both outputs into
multisets of values per field (DNS names, types, rcodes and answer addresses;
HTTP host, URI, method, status, user agent; TLS SNI, JA3, JA3S; TCP and UDP
conversations) and compares them capture by capture, order-free:

  matched(c, f)  = |tshark(c, f) ∩ panshi(c, f)|       (multiset intersection)
  agreement(f)   = Σc matched(c, f) / Σc max(|tshark(c, f)|, |panshi(c, f)|)

Every value seen by only one side is written to OUT/disagreements.tsv. JA4 has
no tshark 4.0 field: it is checked against a JA4 recomputed here from the
ClientHello fields tshark decodes (FoxIO JA4 spec), and against published
values (tests/reference/ja4-expected.tsv). docs/REFERENCE.md describes the
rules. Python 3 standard library only.

Exit status: 0 all gated fields reach their threshold, 1 some do not, 2 usage
or tool error, 77 tshark or DIR absent (the CTest "skipped" code).
"""

import argparse
import collections
import concurrent.futures
import hashlib
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77

# The ports panshi's parsers claim (src/proto/<p>.c); both sides are
# restricted to them so that port-based decoding is comparable.
DNS_PORTS = {53, 5353, 5355}
HTTP_PORTS = {80, 8080, 8000, 8008, 8081, 3128}

AGG = '\x1f'        # tshark -E aggregator: joins repeated field occurrences

TSHARK_FIELDS = [
	'frame.number', 'frame.protocols',
	'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport',
	'dns.flags.response', 'dns.flags.rcode', 'dns.count.queries',
	'dns.qry.name', 'dns.qry.type', 'dns.count.answers',
	'dns.count.auth_rr', 'dns.count.add_rr', 'dns.resp.type', 'dns.a',
	'dns.aaaa',
	'http.request.method', 'http.request.uri', 'http.host',
	'http.user_agent', 'http.response.code',
	'tls.handshake.type', 'tls.handshake.extensions_server_name',
	'tls.handshake.ja3', 'tls.handshake.ja3s', 'tls.handshake.version',
	'tls.handshake.extensions.supported_version',
	'tls.handshake.ciphersuite', 'tls.handshake.extension.type',
	'tls.handshake.sig_hash_alg', 'tls.handshake.sig_hash_alg_len',
	'tls.handshake.extensions_alpn_str',
]
FI = {name: i for i, name in enumerate(TSHARK_FIELDS)}

# HTTP status codes come from a second pass that does not wait for bodies
# (http.desegment_body:FALSE) nor for lost segments
# (tcp.reassemble_out_of_order:FALSE): a response whose body the capture cuts
# short, or that follows a lost segment, still counts, as it does for a
# streaming parser. Requests come from the
# main pass, which reassembles bodies so that body bytes are never taken for
# a request line (tshark loses sync after "Expect: 100-continue" otherwise).
STATUS_FIELDS = ['frame.protocols', 'tcp.srcport', 'tcp.dstport',
		 'udp.srcport', 'udp.dstport', 'http.response.code']
SI = {name: i for i, name in enumerate(STATUS_FIELDS)}

# Preferences: the defaults made explicit, plus those that make tshark
# decode what panshi decodes: out-of-order TCP reassembly, and heuristic
# dissectors before port-based ones, so that TLS on an HTTP port and HTTP on
# a port outside tshark's HTTP list (8000, 8008, 8081) are found by content
# as panshi finds them. (Setting http.tcp.port instead would be a Decode As
# rule, which beats the heuristics and hides TLS on 8080.) A capture is
# dissected in one pass (no -2).
TSHARK_PREFS = [
	'tcp.desegment_tcp_streams:TRUE',
	'tcp.reassemble_out_of_order:TRUE',
	'tcp.analyze_sequence_numbers:TRUE',
	'tcp.try_heuristic_first:TRUE',
	'ip.defragment:TRUE',
	'ipv6.defragment:TRUE',
	'dns.desegment_dns_messages:TRUE',
	'tls.desegment_ssl_records:TRUE',
	'http.desegment_headers:TRUE',
	'http.desegment_body:TRUE',
]

# (field, description); the order of the report.
FIELDS = [
	('dns.query_name', 'DNS query name, each query of each message'),
	('dns.query_type', 'DNS query type (number), each query'),
	('dns.rcode', 'DNS header rcode, each response message'),
	('dns.answer_addr', 'A/AAAA address in the answer section'),
	('http.host', 'HTTP Host of each request (lowercase, no :port)'),
	('http.uri', 'HTTP request-target of each request'),
	('http.method', 'HTTP method of each request'),
	('http.status', 'HTTP status code of each response'),
	('http.user_agent', 'HTTP User-Agent of each request'),
	('tls.sni', 'TLS SNI of each ClientHello (TCP)'),
	('tls.ja3', 'JA3 hash of each ClientHello (TCP)'),
	('tls.ja3s', 'JA3S hash of each ServerHello (TCP)'),
	('tls.ja4', 'JA4 of each ClientHello vs JA4 recomputed from '
	 'tshark fields'),
	('flow.tcp', 'TCP conversations (address/port pair)'),
	('flow.udp', 'UDP conversations (address/port pair)'),
	('flow.tcp_pkts', 'TCP conversation + its packet count'),
	('flow.udp_pkts', 'UDP conversation + its packet count'),
]

# Gating thresholds (agreement below fails the run); fields absent from
# this table are reported only. See docs/REFERENCE.md for why.
THRESHOLDS = {f: 0.995 for f in (
	'dns.query_name', 'dns.query_type', 'dns.rcode', 'dns.answer_addr',
	'http.host', 'http.uri', 'http.method', 'http.status',
	'http.user_agent',
	'tls.sni', 'tls.ja3', 'tls.ja3s', 'tls.ja4',
	'flow.tcp', 'flow.udp')}

RRTYPES = {
	'A': 1, 'NS': 2, 'MD': 3, 'MF': 4, 'CNAME': 5, 'SOA': 6, 'MB': 7,
	'MG': 8, 'MR': 9, 'NULL': 10, 'WKS': 11, 'PTR': 12, 'HINFO': 13,
	'MINFO': 14, 'MX': 15, 'TXT': 16, 'RP': 17, 'AFSDB': 18, 'X25': 19,
	'ISDN': 20, 'RT': 21, 'NSAP': 22, 'NSAP-PTR': 23, 'SIG': 24,
	'KEY': 25, 'PX': 26, 'GPOS': 27, 'AAAA': 28, 'LOC': 29, 'NXT': 30,
	'EID': 31, 'NIMLOC': 32, 'SRV': 33, 'ATMA': 34, 'NAPTR': 35,
	'KX': 36, 'CERT': 37, 'A6': 38, 'DNAME': 39, 'SINK': 40, 'OPT': 41,
	'APL': 42, 'DS': 43, 'SSHFP': 44, 'IPSECKEY': 45, 'RRSIG': 46,
	'NSEC': 47, 'DNSKEY': 48, 'DHCID': 49, 'NSEC3': 50,
	'NSEC3PARAM': 51, 'TLSA': 52, 'SMIMEA': 53, 'HIP': 55, 'NINFO': 56,
	'RKEY': 57, 'TALINK': 58, 'CDS': 59, 'CDNSKEY': 60,
	'OPENPGPKEY': 61, 'CSYNC': 62, 'ZONEMD': 63, 'SVCB': 64,
	'HTTPS': 65, 'SPF': 99, 'UINFO': 100, 'UID': 101, 'GID': 102,
	'UNSPEC': 103, 'NID': 104, 'L32': 105, 'L64': 106, 'LP': 107,
	'EUI48': 108, 'EUI64': 109, 'TKEY': 249, 'TSIG': 250, 'IXFR': 251,
	'AXFR': 252, 'MAILB': 253, 'MAILA': 254, 'ANY': 255, '*': 255,
	'URI': 256, 'CAA': 257, 'AVC': 258, 'DOA': 259, 'AMTRELAY': 260,
	'TA': 32768, 'DLV': 32769,
}
RRNAMES = {v: k for k, v in RRTYPES.items() if k != '*'}

RCODES = {
	'NOERROR': 0, 'FORMERR': 1, 'SERVFAIL': 2, 'NXDOMAIN': 3,
	'NOTIMP': 4, 'REFUSED': 5, 'YXDOMAIN': 6, 'YXRRSET': 7,
	'NXRRSET': 8, 'NOTAUTH': 9, 'NOTZONE': 10, 'DSOTYPENI': 11,
	'BADVERS': 16, 'BADSIG': 16, 'BADKEY': 17, 'BADTIME': 18,
	'BADMODE': 19, 'BADNAME': 20, 'BADALG': 21, 'BADTRUNC': 22,
	'BADCOOKIE': 23,
}
RCNAMES = {v: k for k, v in RCODES.items() if k != 'BADSIG'}

CAPTURE_EXT = ('.pcap', '.pcapng', '.cap')


def die(msg, code=2):
	print('compare-tshark: ' + msg, file=sys.stderr)
	sys.exit(code)


# ---------------------------------------------------------------- values

def rrtype_num(v):
	"""An rrtype as panshi writes it (name, TYPE<n>, number) -> int or str."""
	if isinstance(v, int):
		return v
	s = str(v).strip().upper().replace('_', '-')
	if s in RRTYPES:
		return RRTYPES[s]
	m = re.fullmatch(r'(?:TYPE)?(\d+)', s)
	return int(m.group(1)) if m else s


def rcode_num(v):
	if isinstance(v, int):
		return v
	s = str(v).strip().upper()
	if s in RCODES:
		return RCODES[s]
	m = re.fullmatch(r'(?:RCODE)?(\d+)', s)
	return int(m.group(1)) if m else s


def show_rrtype(n):
	return '%s(%d)' % (RRNAMES.get(n, 'TYPE%d' % n), n) \
		if isinstance(n, int) else str(n)


def show_rcode(n):
	return '%s(%d)' % (RCNAMES.get(n, 'RCODE%d' % n), n) \
		if isinstance(n, int) else str(n)


def norm_addr(s):
	try:
		return str(ipaddress.ip_address(str(s).strip()))
	except ValueError:
		return str(s)


NONPRINT = re.compile(r'[^\x20-\x7e]+')


def canon(s):
	"""Text as compared: each run of characters outside printable ASCII
	becomes one U+FFFD. tshark writes such bytes raw; panshi's JSON writer
	replaces invalid UTF-8 with U+FFFD; both are the same bytes."""
	return NONPRINT.sub('\ufffd', str(s))


def norm_name(s):
	"""DNS names: tshark writes the root as "<Root>", Suricata as ""."""
	s = str(s)
	if s == '<Root>':
		return ''
	return canon(s[:-1] if s.endswith('.') and len(s) > 1 else s)


def norm_host(s):
	"""Host header: case-insensitive, without the port (RFC 9110 §7.2)."""
	s = canon(s).strip().lower()
	if s.startswith('['):
		end = s.find(']')
		return s[1:end] if end > 0 else s
	if s.count(':') == 1:
		h, _, p = s.partition(':')
		if p.isdigit() or p == '':
			return h
	return s


def parse_int(s):
	try:
		return int(s, 0)
	except (TypeError, ValueError):
		return None


# ---------------------------------------------------------------- JA4

GREASE = {0x0a0a + 0x1010 * i for i in range(16)}


def ja4_from_fields(ver, supported, ciphers, exts, sigalgs, alpns):
	"""JA4 (FoxIO technical_details/JA4.md) over TCP from decoded fields."""
	vers = [v for v in supported if v not in GREASE]
	v = max(vers) if vers else ver
	vtab = {0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10',
		0x0300: 's3', 0x0002: 's2', 0xfeff: 'd1', 0xfefd: 'd2',
		0xfefc: 'd3'}
	cs = [c for c in ciphers if c not in GREASE]
	ex = [e for e in exts if e not in GREASE]
	sni = 'd' if 0 in ex else 'i'
	alpn = '00'
	if alpns and alpns[0]:
		a = alpns[0]
		if a[0].isascii() and a[0].isalnum() and \
		   a[-1].isascii() and a[-1].isalnum():
			alpn = a[0] + a[-1]
		else:
			h = a.encode('utf-8', 'surrogateescape').hex()
			alpn = h[0] + h[-1]
	a_part = 't%s%s%02d%02d%s' % (vtab.get(v, '00'), sni,
				      min(len(cs), 99), min(len(ex), 99), alpn)

	def h12(s):
		return hashlib.sha256(s.encode()).hexdigest()[:12]
	b = h12(','.join('%04x' % c for c in sorted(cs))) if cs \
		else '000000000000'
	es = sorted(e for e in ex if e not in (0x0000, 0x0010))
	if es:
		s = ','.join('%04x' % e for e in es)
		sg = [g for g in sigalgs if g not in GREASE]
		if sg:
			s += '_' + ','.join('%04x' % g for g in sg)
		c = h12(s)
	else:
		c = '000000000000'
	return '%s_%s_%s' % (a_part, b, c)


def ja4_selftest():
	"""The worked example of the JA4 spec must come out right."""
	ciphers = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
		   0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
		   0x0035]
	exts = [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d,
		0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b,
		0x000a, 0x0015]
	sig = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806,
	       0x0601]
	got = ja4_from_fields(0x0303, [0x0304, 0x0303], ciphers, exts, sig,
			      ['h2', 'http/1.1'])
	want = 't13d1516h2_8daaf6152771_e5627efa2ab1'
	if got != want:
		die('JA4 self-test failed: %s != %s' % (got, want))


# ---------------------------------------------------------------- tshark

def tshark_version(tshark):
	out = subprocess.run([tshark, '--version'], capture_output=True,
			     text=True).stdout
	return out.splitlines()[0] if out else 'tshark ?'


def tshark_cmd(tshark, path, status_pass=False):
	"""The main pass (every field, conversations) or the status pass."""
	cmd = [tshark, '-n', '-r', path, '-T', 'fields',
	       '-E', 'separator=/t', '-E', 'aggregator=' + AGG,
	       '-E', 'occurrence=a', '-E', 'header=n']
	for p in TSHARK_PREFS:
		if status_pass and p.startswith('http.desegment_body:'):
			p = 'http.desegment_body:FALSE'
		# With out-of-order reassembly tshark holds every later byte of
		# a direction behind a segment the capture lost, so no response
		# after the loss is dissected; a streaming parser resumes there.
		if status_pass and p.startswith('tcp.reassemble_out_of_order:'):
			p = 'tcp.reassemble_out_of_order:FALSE'
		cmd += ['-o', p]
	if status_pass:
		for f in STATUS_FIELDS:
			cmd += ['-e', f]
		return cmd + ['-Y', 'http.response.code']
	for f in TSHARK_FIELDS:
		cmd += ['-e', f]
	cmd += ['-z', 'conv,tcp', '-z', 'conv,udp']
	return cmd


def run_tshark(tshark, path, cache_dir, version, status_pass=False):
	"""tshark's output for one capture, from the cache when unchanged."""
	st = os.stat(path)
	cmd = tshark_cmd(tshark, path, status_pass)
	key = hashlib.sha256(json.dumps([version, cmd[1:], st.st_size,
					 st.st_mtime_ns]).encode()).hexdigest()
	cached = os.path.join(cache_dir, key[:32] + '.json') \
		if cache_dir else None
	if cached and os.path.exists(cached):
		with open(cached, encoding='utf-8') as f:
			return json.load(f)
	t0 = time.monotonic()
	p = subprocess.run(cmd, capture_output=True, timeout=600)
	res = {'rc': p.returncode,
	       'out': p.stdout.decode('utf-8', 'surrogateescape'),
	       'err': '\n'.join(l for l in p.stderr.decode(
		       'utf-8', 'replace').splitlines()
		       if 'Running as user' not in l and l.strip()),
	       'secs': time.monotonic() - t0}
	if cached:
		os.makedirs(cache_dir, exist_ok=True)
		tmp = '%s.%d.%d.tmp' % (cached, os.getpid(),
					threading.get_ident())
		with open(tmp, 'w', encoding='utf-8') as f:
			json.dump(res, f)
		os.replace(tmp, cached)
	return res


def conv_key(a, ap, b, bp):
	x = (norm_addr(a), int(ap))
	y = (norm_addr(b), int(bp))
	lo, hi = sorted([x, y], key=lambda t: (t[0].count(':'), t[0], t[1]))
	return '%s:%d <-> %s:%d' % (lo[0], lo[1], hi[0], hi[1]) \
		if ':' not in lo[0] else \
		'[%s]:%d <-> [%s]:%d' % (lo[0], lo[1], hi[0], hi[1])


def parse_conv(lines, bag):
	"""Conversations from -z conv,tcp / conv,udp. TCP rows are tcp.stream
	values (a new SYN on a used tuple is a new row), kept as they are. UDP
	has no state in tshark: one conversation per address/port pair for the
	whole capture, but a dissector that sets up its own conversation (SNMP,
	TFTP, ...) splits a pair into several rows; those are merged."""
	section = None
	udp = collections.OrderedDict()
	for line in lines:
		if line.startswith('TCP Conversations'):
			section = 'tcp'
		elif line.startswith('UDP Conversations'):
			section = 'udp'
		elif section and '<->' in line:
			m = re.match(r'^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s', line)
			if not m:
				continue
			k = conv_key(m.group(1), m.group(2), m.group(3),
				     m.group(4))
			pk = _conv_frames(line)
			if section == 'udp':
				udp[k] = udp.get(k, 0) + (pk or 0)
				continue
			bag['flow.tcp'][k] += 1
			bag['flow.tcp_pkts']['%s pkts=%d' % (k, pk or 0)] += 1
	for k, pk in udp.items():
		bag['flow.udp'][k] += 1
		bag['flow.udp_pkts']['%s pkts=%d' % (k, pk)] += 1


def _conv_frames(line):
	"""Total frames of a conversation line (4.0: "a bytes" columns)."""
	rest = line.split('<->', 1)[1].split()
	# rest: B:port f_in bytes_in unit f_out bytes_out unit f_tot ...
	nums = []
	i = 1
	while i < len(rest) and len(nums) < 3:
		if rest[i].isdigit() or re.fullmatch(r'[\d,]+', rest[i]):
			nums.append(int(rest[i].replace(',', '')))
			i += 3      # skip "bytes" value + unit
		else:
			i += 1
	return nums[2] if len(nums) == 3 else None


def split(v):
	return v.split(AGG) if v else []


def l4_of(protos, row, fi=FI):
	"""Innermost transport and its ports, or None when inside an ICMP
	error (tshark decodes the quoted datagram; a flow engine does not)."""
	layers = protos.split(':')
	idx = [i for i, l in enumerate(layers) if l in ('tcp', 'udp')]
	if not idx:
		return None
	last = idx[-1]
	if any(l in ('icmp', 'icmpv6') for l in layers[:last]):
		return None
	l4 = layers[last]
	sp = split(row[fi[l4 + '.srcport']])
	dp = split(row[fi[l4 + '.dstport']])
	if not sp or not dp:
		return None
	return l4, int(sp[-1]), int(dp[-1]), layers[last + 1:]


def tshark_dns(row, bag):
	resp = split(row[FI['dns.flags.response']])
	names = split(row[FI['dns.qry.name']])
	types = split(row[FI['dns.qry.type']])
	for n in names:
		bag['dns.query_name'][norm_name(n)] += 1
	for t in types:
		n = parse_int(t)
		bag['dns.query_type'][n if n is not None else t] += 1
	rcodes = split(row[FI['dns.flags.rcode']])
	# rcode is shown for responses only: one per response message.
	for r in rcodes:
		n = parse_int(r)
		bag['dns.rcode'][n if n is not None else r] += 1
	# Answer addresses: dns.resp.type lists every RR of every message
	# (answer, authority, additional in order); dns.a / dns.aaaa the
	# addresses of all A / AAAA RRs. Walk them together and keep the
	# answer-section ones.
	an = [parse_int(x) or 0 for x in split(row[FI['dns.count.answers']])]
	ns = [parse_int(x) or 0 for x in split(row[FI['dns.count.auth_rr']])]
	ar = [parse_int(x) or 0 for x in split(row[FI['dns.count.add_rr']])]
	rtypes = [parse_int(x) for x in split(row[FI['dns.resp.type']])]
	a4 = split(row[FI['dns.a']])
	a6 = split(row[FI['dns.aaaa']])
	pos = 0
	for m in range(len(resp)):
		if m >= len(an):
			break
		total = an[m] + (ns[m] if m < len(ns) else 0) + \
			(ar[m] if m < len(ar) else 0)
		for j in range(total):
			if pos >= len(rtypes):
				break
			t = rtypes[pos]
			pos += 1
			val = None
			if t == 1 and a4:
				val = a4.pop(0)
			elif t == 28 and a6:
				val = a6.pop(0)
			if val is not None and j < an[m]:
				bag['dns.answer_addr'][norm_addr(val)] += 1


def tshark_http(row, bag):
	for v in split(row[FI['http.request.method']]):
		bag['http.method'][v] += 1
	for v in split(row[FI['http.request.uri']]):
		bag['http.uri'][canon(v)] += 1
	for v in split(row[FI['http.host']]):
		bag['http.host'][norm_host(v)] += 1
	for v in split(row[FI['http.user_agent']]):
		bag['http.user_agent'][canon(v)] += 1


def tshark_status(res, bag):
	"""Replace http.status with the status pass's codes."""
	bag['http.status'].clear()
	for line in res['out'].split('\n'):
		row = line.split('\t')
		if len(row) != len(STATUS_FIELDS):
			continue
		l4 = l4_of(row[SI['frame.protocols']], row, SI)
		if l4 is None or l4[0] != 'tcp' or 'http' not in l4[3] or \
		   not (l4[1] in HTTP_PORTS or l4[2] in HTTP_PORTS):
			continue
		for v in split(row[SI['http.response.code']]):
			n = parse_int(v)
			# Interim 1xx responses (RFC 9110 §15.2) precede the
			# final response of the same transaction; 101 ends it.
			if n is not None and 100 <= n < 200 and n != 101:
				continue
			bag['http.status'][n if n is not None else v] += 1


def tshark_tls(row, bag, notes):
	types = [parse_int(x) for x in split(row[FI['tls.handshake.type']])]
	if 1 in types:
		for v in split(row[FI['tls.handshake.extensions_server_name']]):
			bag['tls.sni'][canon(v)] += 1
		for v in split(row[FI['tls.handshake.ja3']]):
			bag['tls.ja3'][v] += 1
		ja4 = tshark_ja4(row, types)
		if ja4:
			bag['tls.ja4'][ja4] += 1
		elif types.count(1) == 1:
			notes['ja4_unrecomputable'] += 1
	if 2 in types:
		for v in split(row[FI['tls.handshake.ja3s']]):
			bag['tls.ja3s'][v] += 1


# Extensions whose body is a signature-scheme list: tshark writes all of
# them to tls.handshake.sig_hash_alg, one tls.handshake.sig_hash_alg_len
# per list, in extension order. JA4 takes signature_algorithms (13) only.
SIGLIST_EXTS = (13, 34, 50)   # signature_algorithms, delegated_credential,
			      # signature_algorithms_cert


def sig_algs_of(exts, lens, algs):
	"""The signature_algorithms list, or None when the lists do not add
	up (then the frame is not used for JA4)."""
	owners = [e for e in exts if e in SIGLIST_EXTS]
	if len(owners) != len(lens) or None in lens:
		return None
	pos, out = 0, []
	for e, n in zip(owners, lens):
		chunk = algs[pos:pos + n // 2]
		pos += n // 2
		if e == 13:
			out = chunk
	return out if pos == len(algs) else None


def tshark_ja4(row, types):
	"""JA4 of a frame holding exactly one ClientHello and nothing whose
	fields would mix with it; None otherwise."""
	if types.count(1) != 1 or any(t not in (1, None) for t in types):
		return None
	ints = lambda f: [parse_int(x) for x in split(row[FI[f]])]
	exts = ints('tls.handshake.extension.type')
	ver = ints('tls.handshake.version')
	ciphers = ints('tls.handshake.ciphersuite')
	if None in exts or not ver or None in ciphers:
		return None
	sig = sig_algs_of(exts, ints('tls.handshake.sig_hash_alg_len'),
			  ints('tls.handshake.sig_hash_alg'))
	if sig is None:
		return None
	return ja4_from_fields(ver[0], ints(
		'tls.handshake.extensions.supported_version'), ciphers, exts,
		sig, split(row[FI['tls.handshake.extensions_alpn_str']]))


def tshark_bags(res):
	bag = {f: collections.Counter() for f, _ in FIELDS}
	notes = collections.Counter()
	lines = res['out'].split('\n')
	conv_from = len(lines)
	for i, line in enumerate(lines):
		if line.startswith('====='):
			conv_from = i
			break
		row = line.split('\t')
		if len(row) != len(TSHARK_FIELDS):
			if line:
				notes['bad_rows'] += 1
			continue
		l4 = l4_of(row[FI['frame.protocols']], row)
		if l4 is None:
			continue
		proto, sp, dp, above = l4
		if row[FI['dns.flags.response']] and \
		   (sp in DNS_PORTS or dp in DNS_PORTS) and \
		   any(a in ('dns', 'mdns', 'llmnr') for a in above):
			tshark_dns(row, bag)
		if proto == 'tcp' and 'http' in above and \
		   (sp in HTTP_PORTS or dp in HTTP_PORTS):
			tshark_http(row, bag)
			notes['http_frames'] += 1
		if proto == 'tcp' and 'tls' in above and \
		   row[FI['tls.handshake.type']]:
			tshark_tls(row, bag, notes)
	parse_conv(lines[conv_from:], bag)
	return bag, notes


# ---------------------------------------------------------------- panshi

def run_panshi(panshi, path, eve, extra):
	with tempfile.TemporaryDirectory(prefix='ps-ref-') as tmp:
		cmd = [panshi, '--quiet', '--db', os.path.join(tmp, 'ref.db'),
		       'analyze', '--no-store', '--eve', eve] + extra + [path]
		t0 = time.monotonic()
		try:
			p = subprocess.run(cmd, capture_output=True, timeout=600,
					   cwd=tmp)
		except subprocess.TimeoutExpired:
			return {'rc': -1, 'err': 'timeout', 'secs': 600.0}
		return {'rc': p.returncode,
			'err': p.stderr.decode('utf-8', 'replace').strip(),
			'secs': time.monotonic() - t0}


def ports_in(ev, ports):
	return ev.get('src_port') in ports or ev.get('dest_port') in ports


def panshi_bags(eve):
	bag = {f: collections.Counter() for f, _ in FIELDS}
	notes = collections.Counter()
	try:
		f = open(eve, encoding='utf-8', errors='surrogateescape')
	except OSError:
		notes['no_eve_file'] += 1
		return bag, notes
	with f:
		for line in f:
			if not line.strip():
				continue
			try:
				ev = json.loads(line)
			except ValueError:
				notes['bad_json_lines'] += 1
				continue
			if not isinstance(ev, dict):
				continue
			panshi_event(ev, bag, notes)
	udp_pairs(bag)
	return bag, notes


def udp_pairs(bag):
	"""tshark keeps one UDP conversation per address/port pair for the
	whole capture; panshi ends a UDP flow after its timeout (30 s new,
	300 s established) and a later datagram opens a new one. Compare the
	same thing: panshi's UDP flows merged per pair, packets summed."""
	pairs = collections.OrderedDict()
	for kp, n in bag['flow.udp_pkts'].items():
		k, _, pk = kp.rpartition(' pkts=')
		pairs[k] = pairs.get(k, 0) + int(pk) * n
	bag['flow.udp'].clear()
	bag['flow.udp_pkts'].clear()
	for k, pk in pairs.items():
		bag['flow.udp'][k] += 1
		bag['flow.udp_pkts']['%s pkts=%d' % (k, pk)] += 1


def panshi_event(ev, bag, notes):
	et = ev.get('event_type')
	proto = ev.get('proto')
	if et == 'dns' and proto in ('UDP', 'TCP') and ports_in(ev, DNS_PORTS):
		panshi_dns(ev.get('dns') or {}, bag)
	elif et == 'http' and proto == 'TCP' and ports_in(ev, HTTP_PORTS):
		panshi_http(ev.get('http') or {}, bag)
	elif et == 'tls' and proto == 'TCP':
		panshi_tls(ev.get('tls') or {}, bag)
	elif et == 'flow' and proto in ('TCP', 'UDP'):
		k = conv_key(ev.get('src_ip', '?'), ev.get('src_port', 0),
			     ev.get('dest_ip', '?'), ev.get('dest_port', 0))
		p = proto.lower()
		bag['flow.' + p][k] += 1
		fl = ev.get('flow') or {}
		pk = (fl.get('pkts_toserver') or 0) + \
			(fl.get('pkts_toclient') or 0)
		bag['flow.%s_pkts' % p]['%s pkts=%d' % (k, pk)] += 1
	if et:
		notes['events.' + et] += 1


def panshi_dns(d, bag):
	for q in d.get('queries') or []:
		if 'rrname' in q:
			bag['dns.query_name'][norm_name(q['rrname'])] += 1
		if 'rrtype' in q:
			bag['dns.query_type'][rrtype_num(q['rrtype'])] += 1
	if d.get('type') == 'response' and 'rcode' in d:
		bag['dns.rcode'][rcode_num(d['rcode'])] += 1
	for a in d.get('answers') or []:
		if rrtype_num(a.get('rrtype')) in (1, 28) and 'rdata' in a:
			bag['dns.answer_addr'][norm_addr(a['rdata'])] += 1


def panshi_http(h, bag):
	if h.get('http_method') is not None:
		bag['http.method'][h['http_method']] += 1
	if h.get('url') is not None:
		bag['http.uri'][canon(h['url'])] += 1
	if h.get('hostname') is not None:
		bag['http.host'][norm_host(h['hostname'])] += 1
	if h.get('http_user_agent') is not None:
		bag['http.user_agent'][canon(h['http_user_agent'])] += 1
	if h.get('status') is not None:
		n = h['status'] if isinstance(h['status'], int) \
			else parse_int(str(h['status']))
		bag['http.status'][n if n is not None else h['status']] += 1


def panshi_tls(t, bag):
	if t.get('sni') is not None:
		bag['tls.sni'][canon(t['sni'])] += 1
	for key, field in (('ja3', 'tls.ja3'), ('ja3s', 'tls.ja3s')):
		v = t.get(key)
		if isinstance(v, dict) and v.get('hash'):
			bag[field][v['hash']] += 1
	if t.get('ja4'):
		bag['tls.ja4'][t['ja4']] += 1


# ---------------------------------------------------------------- compare

def show(field, v):
	if field == 'dns.query_type':
		return show_rrtype(v)
	if field == 'dns.rcode':
		return show_rcode(v)
	return str(v)


def esc(s):
	return s.replace('\\', '\\\\').replace('\t', '\\t') \
		.replace('\n', '\\n').replace('\r', '\\r')


def load_ja4_expected(path):
	"""capture -> [(ja4, source, status)] from a TSV (see its header)."""
	exp = collections.defaultdict(list)
	if not path or not os.path.exists(path):
		return exp
	with open(path, encoding='utf-8') as f:
		for n, line in enumerate(f, 1):
			if not line.strip() or line.startswith('#'):
				continue
			cols = line.rstrip('\n').split('\t')
			if len(cols) != 4:
				die('%s:%d: want capture, ja4, source, status '
				    'separated by tabs' % (path, n))
			exp[cols[0]].append((cols[1], cols[2], cols[3]))
	return exp


def find_captures(root):
	caps = []
	for d, dirs, files in os.walk(root):
		dirs.sort()
		for f in sorted(files):
			if f.lower().endswith(CAPTURE_EXT):
				caps.append(os.path.join(d, f))
	return caps


def tshark_decode(tshark, cap, cache, version):
	"""(tshark result, (bags, notes) or None when tshark failed)."""
	ts = run_tshark(tshark, cap, cache, version)
	if ts['rc'] != 0 or not ts['out']:
		return ts, None
	bag, notes = tshark_bags(ts)
	if notes['http_frames']:
		st = run_tshark(tshark, cap, cache, version, status_pass=True)
		if st['rc'] == 0:
			tshark_status(st, bag)
			ts['secs'] += st['secs']
	return ts, (bag, notes)


def process(cap, args, version, out):
	rel = os.path.relpath(cap, args.dir)
	r = {'capture': rel}
	ts, bags = tshark_decode(args.tshark, cap, None if args.no_cache else
				 os.path.join(out, 'tshark-cache'), version)
	r['tshark_secs'] = ts['secs']
	if bags is None:
		r['tshark_failed'] = (ts['err'] or 'exit %d' % ts['rc'])[:300]
		return r
	r['tshark'], r['tshark_notes'] = bags
	eve = os.path.join(out, 'eve', rel + '.json')
	os.makedirs(os.path.dirname(eve), exist_ok=True)
	if os.path.exists(eve):
		os.unlink(eve)
	ps = run_panshi(args.panshi, cap, eve, args.panshi_arg or [])
	r['panshi_secs'] = ps['secs']
	if ps['rc'] != 0:
		r['panshi_failed'] = ('exit %d: ' % ps['rc'] + ps['err'])[:300]
	r['panshi'], r['panshi_notes'] = panshi_bags(eve)
	return r


def compare(results, ja4_exp, out):
	tot = {f: collections.Counter() for f, _ in FIELDS}
	rows = []
	for r in results:
		if 'tshark' not in r:
			continue
		for f, _ in FIELDS:
			a, b = r['tshark'][f], r['panshi'][f]
			m = sum((a & b).values())
			na, nb = sum(a.values()), sum(b.values())
			t = tot[f]
			t['tshark'] += na
			t['panshi'] += nb
			t['matched'] += m
			t['denom'] += max(na, nb)
			if m < max(na, nb):
				t['captures_differing'] += 1
			for side, d in (('tshark_only', a - b),
					('panshi_only', b - a)):
				for v, c in sorted(d.items(),
						   key=lambda kv: str(kv[0])):
					rows.append((r['capture'], f, side, c,
						     a[v], b[v], show(f, v)))
	# Published JA4 values: a multiset per capture (one per flow listed).
	pub = collections.Counter()
	for r in results:
		want = ja4_exp.get(r['capture'])
		if not want or 'panshi' not in r:
			continue
		ok = collections.Counter(v for v, _, st in want if st == 'ok')
		dev = collections.Counter(v for v, _, st in want if st != 'ok')
		src = {v: s for v, s, _ in want}
		for who in ('panshi', 'tshark'):
			have = r[who]['tls.ja4']
			pub[who + '_matched'] += sum((ok & have).values())
			pub[who + '_deviating_reproduced'] += \
				sum((dev & have).values())
		pub['expected'] += sum(ok.values())
		pub['deviating'] += sum(dev.values())
		for v, c in sorted((ok - r['panshi']['tls.ja4']).items()):
			rows.append((r['capture'], 'tls.ja4.published',
				     'reference_only', c, ok[v],
				     r['panshi']['tls.ja4'][v],
				     '%s (%s)' % (v, src[v])))
	with open(os.path.join(out, 'disagreements.tsv'), 'w',
		  encoding='utf-8', errors='surrogateescape') as f:
		f.write('capture\tfield\tside\tcount\ttshark_n\tpanshi_n'
			'\tvalue\n')
		for row in rows:
			f.write('%s\t%s\t%s\t%d\t%d\t%d\t%s\n' % (
				row[:6] + (esc(row[6]),)))
	return tot, pub, len(rows)


def report(results, tot, pub, nrows, args, version, secs, out):
	lines = []
	ok = [r for r in results if 'tshark' in r]
	skipped = [r for r in results if 'tshark_failed' in r]
	pfail = [r for r in results if 'panshi_failed' in r]
	lines.append('reference: %s; panshi: %s' % (version.rstrip('.'),
						     args.panshi))
	lines.append('captures: %d found, %d compared, %d skipped (tshark '
		     'failed), %d where panshi failed; %.0f s' %
		     (len(results), len(ok), len(skipped), len(pfail), secs))
	lines.append('')
	hdr = '%-16s %8s %8s %8s %9s %9s  %s' % (
		'field', 'tshark', 'panshi', 'matched', 'agreement',
		'threshold', 'captures differing')
	lines.append(hdr)
	failed = []
	summary = {}
	for f, _ in FIELDS:
		t = tot[f]
		agr = t['matched'] / t['denom'] if t['denom'] else None
		thr = args.thresholds.get(f)
		mark = ''
		if thr is not None and agr is not None and agr < thr:
			mark = '  BELOW'
			failed.append(f)
		lines.append('%-16s %8d %8d %8d %9s %9s  %d%s' % (
			f, t['tshark'], t['panshi'], t['matched'],
			'%.4f' % agr if agr is not None else 'n/a',
			'%.3f' % thr if thr is not None else '-',
			t['captures_differing'], mark))
		summary[f] = {'tshark': t['tshark'], 'panshi': t['panshi'],
			      'matched': t['matched'], 'denominator': t['denom'],
			      'agreement': agr, 'threshold': thr}
	lines.append('')
	if pub['expected']:
		lines.append('tls.ja4 vs published values (%d listed in '
			     'tests/reference/ja4-expected.tsv): panshi %d, '
			     'recomputed from tshark %d' % (
				     pub['expected'], pub['panshi_matched'],
				     pub['tshark_matched']))
		if pub['deviating']:
			lines.append('  published values that contradict the '
				     'JA4 spec: %d; reproduced by panshi %d, '
				     'by the recomputation %d' % (
					     pub['deviating'],
					     pub['panshi_deviating_reproduced'],
					     pub['tshark_deviating_reproduced']))
	else:
		lines.append('tls.ja4 vs published values: no reference')
	ja4n = sum(sum(r['panshi']['tls.ja4'].values())
		   for r in ok if 'panshi' in r)
	lines.append('tls.ja4 emitted by panshi: %d' % ja4n)
	unrec = sum(r['tshark_notes']['ja4_unrecomputable'] for r in ok)
	if unrec:
		lines.append('ClientHellos whose JA4 cannot be recomputed from '
			     'tshark fields: %d' % unrec)
	lines.append('%d disagreement rows in %s' % (
		nrows, os.path.join(out, 'disagreements.tsv')))
	for r in skipped:
		lines.append('skipped %s: tshark: %s' % (
			r['capture'], r['tshark_failed'].replace('\n', ' ')))
	for r in pfail:
		lines.append('panshi failed on %s: %s' % (
			r['capture'], r['panshi_failed'].replace('\n', ' ')))
	bad = collections.Counter()
	for r in ok:
		for k, v in r.get('panshi_notes', {}).items():
			if not k.startswith('events.'):
				bad[k] += v
	for k, v in sorted(bad.items()):
		lines.append('panshi output problem: %s: %d' % (k, v))
	if failed:
		lines.append('FAILED: below threshold: ' + ', '.join(failed))
	else:
		lines.append('OK: every gated field reaches its threshold')
	text = '\n'.join(lines) + '\n'
	sys.stdout.write(text)
	with open(os.path.join(out, 'summary.txt'), 'w',
		  encoding='utf-8') as f:
		f.write(text)
	with open(os.path.join(out, 'summary.json'), 'w',
		  encoding='utf-8') as f:
		json.dump({'tshark': version, 'fields': summary,
			   'ja4_published': dict(pub), 'seconds': secs,
			   'captures': len(results), 'compared': len(ok),
			   'skipped': [r['capture'] for r in skipped],
			   'panshi_failed': [r['capture'] for r in pfail]},
			  f, indent=1)
	with open(os.path.join(out, 'captures.tsv'), 'w',
		  encoding='utf-8') as f:
		f.write('capture\ttshark_s\tpanshi_s\t' +
			'\t'.join('%s(t/p/m)' % k for k, _ in FIELDS) + '\n')
		for r in ok:
			cells = []
			for k, _ in FIELDS:
				a, b = r['tshark'][k], r['panshi'][k]
				cells.append('%d/%d/%d' % (
					sum(a.values()), sum(b.values()),
					sum((a & b).values())))
			f.write('%s\t%.2f\t%.2f\t%s\n' % (
				r['capture'], r['tshark_secs'],
				r.get('panshi_secs', 0), '\t'.join(cells)))
	return 1 if failed else 0


def parse_args():
	here = os.path.dirname(os.path.abspath(__file__))
	src = os.path.dirname(here)
	ap = argparse.ArgumentParser(
		description='Compare panshi analyze with tshark over captures.')
	ap.add_argument('dir', nargs='?',
			default=os.path.join(src, '..', 'shared', 'data', 'pcap'),
			help='directory of captures (recursive)')
	ap.add_argument('--panshi', default=os.path.join(
		src, 'build', 'ref-release', 'src', 'cli', 'panshi'))
	ap.add_argument('--tshark', default=shutil.which('tshark') or 'tshark')
	ap.add_argument('--out', default=os.path.join(src, 'build',
						      'reference'))
	ap.add_argument('--jobs', type=int, default=2)
	ap.add_argument('--no-cache', action='store_true',
			help='rerun tshark even when its cached output fits')
	ap.add_argument('--ja4-expected', default=os.path.join(
		src, 'tests', 'reference', 'ja4-expected.tsv'))
	ap.add_argument('--threshold', action='append', default=[],
			metavar='FIELD=X',
			help='gate FIELD at agreement X (0 = report only)')
	ap.add_argument('--tshark-only', action='store_true',
			help='decode with tshark only and print its counts')
	ap.add_argument('--panshi-arg', action='append',
			help='extra argument for `panshi analyze`')
	ap.add_argument('--match', help='only captures whose path contains '
			'this string')
	args = ap.parse_args()
	args.thresholds = dict(THRESHOLDS)
	for t in args.threshold:
		k, _, v = t.partition('=')
		if k not in dict(FIELDS):
			die('unknown field %r in --threshold' % k)
		try:
			args.thresholds[k] = float(v)
		except ValueError:
			die('bad --threshold %r' % t)
		if args.thresholds[k] <= 0:
			del args.thresholds[k]
	return args


def main():
	args = parse_args()
	ja4_selftest()
	if not os.path.isdir(args.dir):
		print('compare-tshark: skipped: no capture directory %s'
		      % args.dir)
		return SKIP
	if not shutil.which(args.tshark):
		print('compare-tshark: skipped: tshark not found '
		      '(apt-get install tshark)')
		return SKIP
	if not args.tshark_only and not os.access(args.panshi, os.X_OK):
		die('no panshi binary at %s (build it or pass --panshi)'
		    % args.panshi)
	args.dir = os.path.abspath(args.dir)
	args.panshi = os.path.abspath(args.panshi)
	out = os.path.abspath(args.out)
	os.makedirs(out, exist_ok=True)
	caps = find_captures(args.dir)
	if args.match:
		caps = [c for c in caps if args.match in c]
	if not caps:
		print('compare-tshark: skipped: no captures under %s'
		      % args.dir)
		return SKIP
	version = tshark_version(args.tshark)
	t0 = time.monotonic()
	if args.tshark_only:
		return tshark_only(caps, args, version, out)
	with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
		results = list(ex.map(lambda c: process(c, args, version, out),
				      caps))
	tot, pub, nrows = compare(results, load_ja4_expected(
		args.ja4_expected), out)
	return report(results, tot, pub, nrows, args, version,
		      time.monotonic() - t0, out)


def tshark_only(caps, args, version, out):
	cache = None if args.no_cache else os.path.join(out, 'tshark-cache')

	def one(c):
		ts, bags = tshark_decode(args.tshark, c, cache, version)
		return c, bags, ts
	tot = collections.Counter()
	with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
		for c, bags, ts in ex.map(one, caps):
			rel = os.path.relpath(c, args.dir)
			if bags is None:
				print('skipped %s: %s' % (rel, ts['err'][:200]))
				continue
			for f, _ in FIELDS:
				tot[f] += sum(bags[0][f].values())
			for k, v in bags[1].items():
				tot['note.' + k] += v
	print('%s: %d captures' % (version, len(caps)))
	for k in [f for f, _ in FIELDS] + sorted(k for k in tot
						  if k.startswith('note.')):
		print('%-24s %d' % (k, tot[k]))
	return 0


if __name__ == '__main__':
	try:
		os.makedirs(tempfile.gettempdir(), exist_ok=True)
		sys.exit(main())
	except KeyboardInterrupt:
		sys.exit(130)
