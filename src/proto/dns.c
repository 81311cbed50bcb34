/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DNS parser (RFC 1035, 3596, 6891, 9460 ...): one EVE "dns" event in
 * Suricata 8's version 3 shape per message, over UDP datagrams or the
 * 2-byte length-prefixed messages of a TCP stream (RFC 1035 section 4.2.2).
 * Names are decompressed into stack buffers; only a TCP message split
 * across chunks is copied, into a per-direction buffer of at most 64 KiB.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "net/addr.h"
#include "net/packet.h"
#include "proto/parsers.h"
#include "proto/proto.h"

#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255        /* RFC 1035 section 2.3.4: wire octets */
#define DNS_NAME_BUF 256        /* text of a name of at most 255 octets */
#define DNS_PTR_HOPS 64         /* compression pointers followed per name */
#define DNS_RR_LOG_MAX 500      /* entries written per event (AXFR) */
#define DNS_OPT_DATA_MAX 64     /* EDNS option bytes written as hex */
#define DNS_UDP_BAD_MAX 4       /* bad datagrams before a flow is given up */

#define DNS_T_A 1
#define DNS_T_NS 2
#define DNS_T_CNAME 5
#define DNS_T_SOA 6
#define DNS_T_PTR 12
#define DNS_T_MX 15
#define DNS_T_TXT 16
#define DNS_T_AAAA 28
#define DNS_T_SRV 33
#define DNS_T_NAPTR 35
#define DNS_T_DNAME 39
#define DNS_T_OPT 41
#define DNS_T_DS 43
#define DNS_T_SSHFP 44
#define DNS_T_RRSIG 46
#define DNS_T_DNSKEY 48
#define DNS_T_CDS 59
#define DNS_T_CDNSKEY 60
#define DNS_T_SVCB 64
#define DNS_T_HTTPS 65
#define DNS_T_SPF 99
#define DNS_T_CAA 257

/* A decompressed name: text bytes as on the wire, labels joined by '.'. */
struct dns_name {
	uint16_t len;
	bool trunc;             /* longer than 255 octets: cut at a label */
	char s[DNS_NAME_BUF];
};

enum dns_name_rc {
	NAME_OK = 0,
	NAME_SHORT,             /* runs past the end of the message */
	NAME_BADPTR,            /* pointer forward, to itself or outside */
	NAME_LOOP,              /* pointers do not strictly go backwards */
	NAME_BADLABEL,          /* label type 01 or 10 (RFC 6891 section 5) */
};

/* A resource record's fixed part; rdata is msg[rd, rd + rdlen). */
struct dns_rr {
	struct dns_name name;
	uint16_t type, cls, rdlen;
	uint32_t ttl;
	size_t rd;
};

/* One message being written out. */
struct dns_msg {
	const uint8_t *m;
	size_t len;
	size_t off;             /* read position */
	struct ps_proto_ctx *c;
	struct ps_jw *w;
	unsigned logged;        /* records written */
	bool stop;              /* a section ran out of bytes: stop reading */
	bool opt;               /* an OPT record was seen (kept below) */
	uint16_t opt_cls, opt_rdlen;
	uint32_t opt_ttl;
	size_t opt_rd;
};

/* Reassembly of the length-prefixed messages of one TCP direction. */
struct dns_tcp {
	uint8_t *buf;           /* pending message, `cap` bytes allocated */
	uint32_t cap;
	uint32_t need;          /* length of the pending message, 0 = none */
	uint32_t have;          /* its bytes in buf */
	uint32_t skip;          /* bytes of a message we could not buffer */
	uint8_t pfx[2];
	uint8_t npfx;           /* length prefix bytes held */
	bool inmsg;             /* the prefix is complete, need is valid */
	bool lost;              /* after a gap: wait for a plausible message */
};

struct dns_state {
	uint64_t tx_id;
	uint32_t good, bad;     /* messages parsed / rejected */
	struct dns_tcp tcp[2];
};

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Decompress the name at *off (RFC 1035 section 4.1.4) and move *off past
 * its wire form. Loops cannot happen: the first pointer must point before
 * itself and every later one before the previous target, with a hop cap.
 * A name over 255 octets is cut at the last label that fits (n->trunc).
 */
static int name_read(const uint8_t *m, size_t len, size_t *off,
		     struct dns_name *n)
{
	size_t p = *off, end = 0, wire = 1, limit = 0;
	unsigned hops = 0;

	n->len = 0;
	n->trunc = false;
	for (;;) {
		uint8_t b;

		if (p >= len)
			return NAME_SHORT;
		b = m[p];
		if (b == 0) {
			p++;
			break;
		}
		if ((b & 0xc0) == 0xc0) {
			size_t t;

			if (p + 1 >= len)
				return NAME_SHORT;
			t = (size_t)(b & 0x3f) << 8 | m[p + 1];
			if (hops == 0)
				end = p + 2;
			if (n->trunc)
				break;
			if (t >= p || t < DNS_HDR_LEN)
				return NAME_BADPTR;
			if ((hops > 0 && t >= limit) || ++hops > DNS_PTR_HOPS)
				return NAME_LOOP;
			limit = t;
			p = t;
			continue;
		}
		if (b & 0xc0)
			return NAME_BADLABEL;
		if (p + 1 + b > len)
			return NAME_SHORT;
		wire += (size_t)b + 1;
		if (wire > DNS_NAME_MAX && !n->trunc) {
			n->trunc = true;
			if (hops)
				break;
		}
		if (!n->trunc) {
			if (n->len)
				n->s[n->len++] = '.';
			memcpy(n->s + n->len, m + p + 1, b);
			n->len = (uint16_t)(n->len + b);
		}
		p += 1 + (size_t)b;
	}
	*off = end ? end : p;
	return NAME_OK;
}

static const char *name_anomaly(int rc)
{
	switch (rc) {
	case NAME_SHORT:
		return "dns_truncated";
	case NAME_BADPTR:
		return "dns_name_bad_pointer";
	case NAME_LOOP:
		return "dns_name_loop";
	default:
		return "dns_malformed";
	}
}

/* Short names as tshark prints them (its dns_types_vals), IANA order. */
static const char *const rr_names_lo[] = {
	[1] = "A", [2] = "NS", [3] = "MD", [4] = "MF", [5] = "CNAME",
	[6] = "SOA", [7] = "MB", [8] = "MG", [9] = "MR", [10] = "NULL",
	[11] = "WKS", [12] = "PTR", [13] = "HINFO", [14] = "MINFO",
	[15] = "MX", [16] = "TXT", [17] = "RP", [18] = "AFSDB", [19] = "X25",
	[20] = "ISDN", [21] = "RT", [22] = "NSAP", [23] = "NSAP-PTR",
	[24] = "SIG", [25] = "KEY", [26] = "PX", [27] = "GPOS", [28] = "AAAA",
	[29] = "LOC", [30] = "NXT", [31] = "EID", [32] = "NIMLOC",
	[33] = "SRV", [34] = "ATMA", [35] = "NAPTR", [36] = "KX",
	[37] = "CERT", [38] = "A6", [39] = "DNAME", [40] = "SINK",
	[41] = "OPT", [42] = "APL", [43] = "DS", [44] = "SSHFP",
	[45] = "IPSECKEY", [46] = "RRSIG", [47] = "NSEC", [48] = "DNSKEY",
	[49] = "DHCID", [50] = "NSEC3", [51] = "NSEC3PARAM", [52] = "TLSA",
	[53] = "SMIMEA", [55] = "HIP", [56] = "NINFO", [57] = "RKEY",
	[58] = "TALINK", [59] = "CDS", [60] = "CDNSKEY", [61] = "OPENPGPKEY",
	[62] = "CSYNC", [63] = "ZONEMD", [64] = "SVCB", [65] = "HTTPS",
	[99] = "SPF", [100] = "UINFO", [101] = "UID", [102] = "GID",
	[103] = "UNSPEC", [104] = "NID", [105] = "L32", [106] = "L64",
	[107] = "LP", [108] = "EUI48", [109] = "EUI64",
};

static const char *const rr_names_hi[] = {
	[249 - 249] = "TKEY", [250 - 249] = "TSIG", [251 - 249] = "IXFR",
	[252 - 249] = "AXFR", [253 - 249] = "MAILB", [254 - 249] = "MAILA",
	[255 - 249] = "ANY", [256 - 249] = "URI", [257 - 249] = "CAA",
};

/* Decimal digits of v at the end of buf[len]; returns the first one. */
static char *utoa_end(uint32_t v, char *buf, size_t len)
{
	char *p = buf + len;

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v && p > buf);
	return p;
}

/* The name of an RR type; unknown ones are "TYPE<n>" (RFC 3597). */
static const char *rr_type_name(uint16_t t, char buf[12])
{
	const char *s = NULL;
	char *d;

	if (t < PS_ARRAY_LEN(rr_names_lo))
		s = rr_names_lo[t];
	else if (t >= 249 && t - 249 < (int)PS_ARRAY_LEN(rr_names_hi))
		s = rr_names_hi[t - 249];
	else if (t == 32768)
		s = "TA";
	else if (t == 32769)
		s = "DLV";
	if (s)
		return s;
	d = utoa_end(t, buf, 12);
	d -= 4;
	memcpy(d, "TYPE", 4);
	return d;
}

static void write_type(struct ps_jw *w, const char *key, uint16_t t)
{
	char buf[12];

	ps_jw_str(w, key, rr_type_name(t, buf));
}

/* RFC 6895 section 2.3 names of the 4-bit header RCODE. */
static const char *rcode_name(unsigned rc, char buf[12])
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE", "DSOTYPENI",
	};

	if (rc < PS_ARRAY_LEN(names))
		return names[rc];
	return utoa_end(rc, buf, 12);
}

/* IPv4 dotted quad into out[16]. */
static void fmt_ip4(const uint8_t *a, char *out)
{
	char *p = out;

	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
}

static void write_ip(struct ps_jw *w, const char *key, const uint8_t *a,
		     size_t n)
{
	char buf[PS_ADDR_STRLEN];
	struct ps_addr ad;

	if (n == 4) {
		fmt_ip4(a, buf);
	} else {
		memcpy(ad.b, a, 16);
		ps_addr_fmt(&ad, PS_AF_INET6, buf);
	}
	ps_jw_str(w, key, buf);
}

static void write_name(struct ps_jw *w, const char *key, const char *tkey,
		       const struct dns_name *n)
{
	ps_jw_strn(w, key, n->s, n->len);
	if (n->trunc)
		ps_jw_bool(w, tkey, true);
}

/* A bounded reader over one record's rdata; names may point anywhere
 * earlier in the message but must end inside the rdata. */
struct dns_rd {
	const uint8_t *m;
	size_t len, off, end;
	bool bad;
};

static const uint8_t *rd_take(struct dns_rd *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || r->end - r->off < n) {
		r->bad = true;
		return NULL;
	}
	p = r->m + r->off;
	r->off += n;
	return p;
}

static uint16_t rd_u16(struct dns_rd *r)
{
	const uint8_t *p = rd_take(r, 2);

	return p ? be16(p) : 0;
}

static uint32_t rd_u32(struct dns_rd *r)
{
	const uint8_t *p = rd_take(r, 4);

	return p ? be32(p) : 0;
}

static uint8_t rd_u8(struct dns_rd *r)
{
	const uint8_t *p = rd_take(r, 1);

	return p ? *p : 0;
}

static void rd_name(struct dns_rd *r, struct dns_name *n)
{
	size_t off = r->off;

	n->len = 0;
	n->trunc = false;
	if (r->bad)
		return;
	if (name_read(r->m, r->len, &off, n) != NAME_OK || off > r->end) {
		r->bad = true;
		n->len = 0;
		return;
	}
	r->off = off;
}

/* A <character-string> (RFC 1035 section 3.3): length byte and bytes. */
static const uint8_t *rd_cstr(struct dns_rd *r, size_t *n)
{
	*n = rd_u8(r);
	return rd_take(r, *n);
}

static void rd_init(struct dns_rd *r, const struct dns_msg *k,
		    const struct dns_rr *rr)
{
	r->m = k->m;
	r->len = k->len;
	r->off = rr->rd;
	r->end = rr->rd + rr->rdlen;
	r->bad = false;
}

static void rdata_bad(struct dns_msg *k)
{
	ps_proto_anomaly(k->c, "dns_rdata_malformed");
}

/* Room for one more entry in the event? Bounds a message's JSON. */
static bool budget(struct dns_msg *k)
{
	if (k->logged < DNS_RR_LOG_MAX) {
		k->logged++;
		return true;
	}
	if (k->logged++ == DNS_RR_LOG_MAX)
		ps_proto_anomaly(k->c, "dns_too_many_records");
	return false;
}

static void rr_open(struct dns_msg *k, const struct dns_rr *rr)
{
	struct ps_jw *w = k->w;

	ps_jw_obj_open(w, NULL);
	write_name(w, "rrname", "rrname_truncated", &rr->name);
	write_type(w, "rrtype", rr->type);
	ps_jw_uint(w, "ttl", rr->ttl);
}

/* MX (RFC 1035 section 3.3.9): rdata is the exchange, as Suricata has it. */
static void rd_mx(struct dns_msg *k, struct dns_rd *r)
{
	struct dns_name n;
	uint16_t pref = rd_u16(r);

	rd_name(r, &n);
	if (r->bad)
		return;
	write_name(k->w, "rdata", "rdata_truncated", &n);
	ps_jw_obj_open(k->w, "mx");
	ps_jw_uint(k->w, "preference", pref);
	ps_jw_strn(k->w, "exchange", n.s, n.len);
	ps_jw_obj_close(k->w);
}

/* SOA (RFC 1035 section 3.3.13). */
static void rd_soa(struct dns_msg *k, struct dns_rd *r)
{
	struct dns_name mname, rname;
	uint32_t v[5];

	rd_name(r, &mname);
	rd_name(r, &rname);
	for (int i = 0; i < 5; i++)
		v[i] = rd_u32(r);
	if (r->bad)
		return;
	ps_jw_obj_open(k->w, "soa");
	write_name(k->w, "mname", "mname_truncated", &mname);
	write_name(k->w, "rname", "rname_truncated", &rname);
	ps_jw_uint(k->w, "serial", v[0]);
	ps_jw_uint(k->w, "refresh", v[1]);
	ps_jw_uint(k->w, "retry", v[2]);
	ps_jw_uint(k->w, "expire", v[3]);
	ps_jw_uint(k->w, "minimum", v[4]);
	ps_jw_obj_close(k->w);
}

/* SRV (RFC 2782), in Suricata's "srv" object. */
static void rd_srv(struct dns_msg *k, struct dns_rd *r)
{
	struct dns_name n;
	uint16_t prio = rd_u16(r), weight = rd_u16(r), port = rd_u16(r);

	rd_name(r, &n);
	if (r->bad)
		return;
	ps_jw_obj_open(k->w, "srv");
	ps_jw_uint(k->w, "priority", prio);
	ps_jw_uint(k->w, "weight", weight);
	ps_jw_uint(k->w, "port", port);
	ps_jw_strn(k->w, "name", n.s, n.len);
	ps_jw_obj_close(k->w);
}

/* NAPTR (RFC 3403 section 4.1). */
static void rd_naptr(struct dns_msg *k, struct dns_rd *r)
{
	const uint8_t *fl, *svc, *re;
	size_t nfl, nsvc, nre;
	struct dns_name n;
	uint16_t order = rd_u16(r), pref = rd_u16(r);

	fl = rd_cstr(r, &nfl);
	svc = rd_cstr(r, &nsvc);
	re = rd_cstr(r, &nre);
	rd_name(r, &n);
	if (r->bad)
		return;
	ps_jw_obj_open(k->w, "naptr");
	ps_jw_uint(k->w, "order", order);
	ps_jw_uint(k->w, "preference", pref);
	ps_jw_strn(k->w, "flags", fl, nfl);
	ps_jw_strn(k->w, "services", svc, nsvc);
	ps_jw_strn(k->w, "regexp", re, nre);
	ps_jw_strn(k->w, "replacement", n.s, n.len);
	ps_jw_obj_close(k->w);
}

/* SSHFP (RFC 4255), in Suricata's "sshfp" object. */
static void rd_sshfp(struct dns_msg *k, struct dns_rd *r)
{
	uint8_t algo = rd_u8(r), type = rd_u8(r);
	size_t n = r->bad ? 0 : r->end - r->off;
	const uint8_t *fp = rd_take(r, n);

	if (r->bad)
		return;
	ps_jw_obj_open(k->w, "sshfp");
	ps_jw_hexsep(k->w, "fingerprint", fp, n, ':');
	ps_jw_uint(k->w, "algo", algo);
	ps_jw_uint(k->w, "type", type);
	ps_jw_obj_close(k->w);
}

/* CAA (RFC 8659 section 4.1). */
static void rd_caa(struct dns_msg *k, struct dns_rd *r)
{
	uint8_t flags = rd_u8(r);
	size_t ntag, nval;
	const uint8_t *tag = rd_cstr(r, &ntag), *val;

	nval = r->bad ? 0 : r->end - r->off;
	val = rd_take(r, nval);
	if (r->bad)
		return;
	ps_jw_obj_open(k->w, "caa");
	ps_jw_uint(k->w, "flags", flags);
	ps_jw_strn(k->w, "tag", tag, ntag);
	ps_jw_strn(k->w, "value", val, nval);
	ps_jw_obj_close(k->w);
}

/* DS and CDS (RFC 4034 section 5.1). */
static void rd_ds(struct dns_msg *k, struct dns_rd *r)
{
	uint16_t tag = rd_u16(r);
	uint8_t alg = rd_u8(r), dt = rd_u8(r);
	size_t n = r->bad ? 0 : r->end - r->off;
	const uint8_t *dg = rd_take(r, n);

	if (r->bad)
		return;
	ps_jw_obj_open(k->w, "ds");
	ps_jw_uint(k->w, "key_tag", tag);
	ps_jw_uint(k->w, "algorithm", alg);
	ps_jw_uint(k->w, "digest_type", dt);
	ps_jw_hex(k->w, "digest", dg, n);
	ps_jw_obj_close(k->w);
}

/* DNSKEY and CDNSKEY (RFC 4034 section 2.1): the key itself is not kept. */
static void rd_dnskey(struct dns_msg *k, struct dns_rd *r)
{
	uint16_t flags = rd_u16(r);
	uint8_t proto = rd_u8(r), alg = rd_u8(r);

	if (r->bad)
		return;
	ps_jw_obj_open(k->w, "dnskey");
	ps_jw_uint(k->w, "flags", flags);
	ps_jw_uint(k->w, "protocol", proto);
	ps_jw_uint(k->w, "algorithm", alg);
	ps_jw_uint(k->w, "key_len", r->end - r->off);
	ps_jw_obj_close(k->w);
}

/* RRSIG (RFC 4034 section 3.1): the signature itself is not kept. */
static void rd_rrsig(struct dns_msg *k, struct dns_rd *r)
{
	uint16_t covered = rd_u16(r), tag;
	uint8_t alg = rd_u8(r), labels = rd_u8(r);
	uint32_t ottl = rd_u32(r), exp = rd_u32(r), inc = rd_u32(r);
	struct dns_name n;

	tag = rd_u16(r);
	rd_name(r, &n);
	if (r->bad)
		return;
	ps_jw_obj_open(k->w, "rrsig");
	write_type(k->w, "type_covered", covered);
	ps_jw_uint(k->w, "algorithm", alg);
	ps_jw_uint(k->w, "labels", labels);
	ps_jw_uint(k->w, "original_ttl", ottl);
	ps_jw_uint(k->w, "expiration", exp);
	ps_jw_uint(k->w, "inception", inc);
	ps_jw_uint(k->w, "key_tag", tag);
	ps_jw_strn(k->w, "signer", n.s, n.len);
	ps_jw_obj_close(k->w);
}

/* The SvcParams of SVCB/HTTPS worth logging (RFC 9460 section 14.3.2). */
static void svc_param(struct ps_jw *w, uint16_t key, const uint8_t *v,
		      size_t n)
{
	size_t i;

	switch (key) {
	case 1:         /* alpn: <character-string>s */
		ps_jw_arr_open(w, "alpn");
		for (i = 0; i < n && i + 1 + v[i] <= n; i += 1 + (size_t)v[i])
			ps_jw_strn(w, NULL, v + i + 1, v[i]);
		ps_jw_arr_close(w);
		break;
	case 3:         /* port */
		if (n == 2)
			ps_jw_uint(w, "port", be16(v));
		break;
	case 4:         /* ipv4hint */
	case 6:         /* ipv6hint */
		ps_jw_arr_open(w, key == 4 ? "ipv4hint" : "ipv6hint");
		for (i = 0; i + (key == 4 ? 4 : 16) <= n; i += key == 4 ? 4 : 16)
			write_ip(w, NULL, v + i, key == 4 ? 4 : 16);
		ps_jw_arr_close(w);
		break;
	case 5:         /* ech */
		ps_jw_bool(w, "ech", true);
		break;
	default:
		break;
	}
}

/* SVCB and HTTPS (RFC 9460 section 2.2), in an "svcb" object. */
static void rd_svcb(struct dns_msg *k, struct dns_rd *r)
{
	uint16_t prio = rd_u16(r);
	struct dns_name n;
	struct dns_rd p;

	rd_name(r, &n);
	if (r->bad)
		return;
	/* check the parameters first so the object is never half written */
	p = *r;
	while (!p.bad && p.off < p.end) {
		rd_u16(&p);
		rd_take(&p, rd_u16(&p));
	}
	if (p.bad) {
		r->bad = true;
		return;
	}
	ps_jw_obj_open(k->w, "svcb");
	ps_jw_uint(k->w, "priority", prio);
	ps_jw_strn(k->w, "target", n.s, n.len);
	while (r->off < r->end) {
		uint16_t key = rd_u16(r), len = rd_u16(r);

		svc_param(k->w, key, rd_take(r, len), len);
	}
	ps_jw_obj_close(k->w);
}

/* TXT and SPF: one entry per string, as Suricata's v3 log has them. */
static void rr_txt(struct dns_msg *k, const struct dns_rr *rr)
{
	struct dns_rd r;
	bool any = false;

	rd_init(&r, k, rr);
	while (r.off < r.end) {
		size_t n;
		const uint8_t *s = rd_cstr(&r, &n);

		if (!s) {
			rdata_bad(k);
			break;
		}
		if (any && !budget(k))
			continue;
		rr_open(k, rr);
		ps_jw_strn(k->w, "rdata", s, n);
		ps_jw_obj_close(k->w);
		any = true;
	}
	if (!any) {
		rr_open(k, rr);
		ps_jw_obj_close(k->w);
	}
}

/* The rdata of one record, inside its open object. */
static void rr_rdata(struct dns_msg *k, const struct dns_rr *rr)
{
	struct dns_rd r;
	struct dns_name n;

	rd_init(&r, k, rr);
	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (rr->rdlen != (rr->type == DNS_T_A ? 4 : 16)) {
			r.bad = true;
			break;
		}
		write_ip(k->w, "rdata", k->m + rr->rd, rr->rdlen);
		ps_proto_observe(k->c, PS_OBS_DNS_ANSWER_ADDR, k->m + rr->rd,
				 rr->rdlen);
		break;
	case DNS_T_NS:
	case 3: case 4: case DNS_T_CNAME: case 7: case 8: case 9:
	case DNS_T_PTR:
	case DNS_T_DNAME:
		rd_name(&r, &n);
		if (!r.bad)
			write_name(k->w, "rdata", "rdata_truncated", &n);
		if (!r.bad && (rr->type == DNS_T_CNAME ||
			       rr->type == DNS_T_DNAME))
			ps_proto_observe(k->c, PS_OBS_DNS_ANSWER_NAME, n.s,
					 n.len);
		break;
	case DNS_T_MX:
		rd_mx(k, &r);
		break;
	case DNS_T_SOA:
		rd_soa(k, &r);
		break;
	case DNS_T_SRV:
		rd_srv(k, &r);
		break;
	case DNS_T_NAPTR:
		rd_naptr(k, &r);
		break;
	case DNS_T_SSHFP:
		rd_sshfp(k, &r);
		break;
	case DNS_T_CAA:
		rd_caa(k, &r);
		break;
	case DNS_T_DS:
	case DNS_T_CDS:
		rd_ds(k, &r);
		break;
	case DNS_T_DNSKEY:
	case DNS_T_CDNSKEY:
		rd_dnskey(k, &r);
		break;
	case DNS_T_RRSIG:
		rd_rrsig(k, &r);
		break;
	case DNS_T_SVCB:
	case DNS_T_HTTPS:
		rd_svcb(k, &r);
		break;
	default:
		ps_jw_uint(k->w, "rdlength", rr->rdlen);
		break;
	}
	if (r.bad)
		rdata_bad(k);
}

static void rr_write(struct dns_msg *k, const struct dns_rr *rr)
{
	if (rr->type == DNS_T_TXT || rr->type == DNS_T_SPF) {
		rr_txt(k, rr);
		return;
	}
	rr_open(k, rr);
	rr_rdata(k, rr);
	ps_jw_obj_close(k->w);
}

/* Read the fixed part of the record at k->off (RFC 1035 section 4.1.3). */
static int rr_read(struct dns_msg *k, struct dns_rr *rr)
{
	size_t off = k->off;
	int rc = name_read(k->m, k->len, &off, &rr->name);

	if (rc != NAME_OK) {
		ps_proto_anomaly(k->c, name_anomaly(rc));
		return PS_EPROTO;
	}
	if (rr->name.trunc)
		ps_proto_anomaly(k->c, "dns_name_too_long");
	if (k->len - off < 10) {
		ps_proto_anomaly(k->c, "dns_truncated");
		return PS_EPROTO;
	}
	rr->type = be16(k->m + off);
	rr->cls = be16(k->m + off + 2);
	rr->ttl = be32(k->m + off + 4);
	rr->rdlen = be16(k->m + off + 8);
	rr->rd = off + 10;
	if (k->len - rr->rd < rr->rdlen) {
		ps_proto_anomaly(k->c, "dns_truncated");
		return PS_EPROTO;
	}
	k->off = rr->rd + rr->rdlen;
	return PS_OK;
}

/* One section of `count` records as the array `key`, opened lazily. */
static void section(struct dns_msg *k, const char *key, unsigned count,
		    bool additional)
{
	struct dns_rr rr;
	bool open = false;

	for (unsigned i = 0; i < count && !k->stop; i++) {
		if (rr_read(k, &rr) != PS_OK) {
			k->stop = true;
			break;
		}
		if (additional && rr.type == DNS_T_OPT) {
			/* RFC 6891 section 6.1.1: at most one, with root name */
			if (k->opt || rr.name.len)
				ps_proto_anomaly(k->c, "dns_opt_malformed");
			if (k->opt)
				continue;
			k->opt = true;
			k->opt_cls = rr.cls;
			k->opt_ttl = rr.ttl;
			k->opt_rd = rr.rd;
			k->opt_rdlen = rr.rdlen;
			continue;
		}
		if (!budget(k))
			continue;
		if (!open) {
			ps_jw_arr_open(k->w, key);
			open = true;
		}
		rr_write(k, &rr);
	}
	if (open)
		ps_jw_arr_close(k->w);
}

/* The OPT pseudo-record (RFC 6891 section 6.1.3) as an "edns" object. */
static void write_edns(struct dns_msg *k, uint16_t hdr_flags)
{
	struct ps_jw *w = k->w;
	struct dns_rd r = {k->m, k->len, k->opt_rd, k->opt_rd + k->opt_rdlen,
			   false};
	bool open = false;

	ps_jw_obj_open(w, "edns");
	ps_jw_uint(w, "version", (k->opt_ttl >> 16) & 0xff);
	ps_jw_uint(w, "udp_payload_size", k->opt_cls);
	ps_jw_bool(w, "do", (k->opt_ttl & 0x8000) != 0);
	ps_jw_uint(w, "ext_rcode", (k->opt_ttl >> 24) << 4 | (hdr_flags & 0xf));
	while (r.off < r.end) {
		uint16_t code = rd_u16(&r), len = rd_u16(&r);
		const uint8_t *v = rd_take(&r, len);

		if (!v) {
			ps_proto_anomaly(k->c, "dns_opt_malformed");
			break;
		}
		if (!open) {
			ps_jw_arr_open(w, "options");
			open = true;
		}
		ps_jw_obj_open(w, NULL);
		ps_jw_uint(w, "code", code);
		ps_jw_uint(w, "len", len);
		/* padding (RFC 7830) is noise; long values are cut, not kept */
		if (code != 12 && len <= DNS_OPT_DATA_MAX)
			ps_jw_hex(w, "data", v, len);
		ps_jw_obj_close(w);
	}
	if (open)
		ps_jw_arr_close(w);
	ps_jw_obj_close(w);
}

/* Lower-case hex without leading zeros, as Suricata writes "flags". */
static void write_flags(struct ps_jw *w, uint16_t f)
{
	static const char hex[] = "0123456789abcdef";
	char buf[5], *p = buf + 4;

	*p = '\0';
	do {
		*--p = hex[f & 0xf];
		f >>= 4;
	} while (f);
	ps_jw_str(w, "flags", p);
}

static void write_header(struct ps_jw *w, const uint8_t *m, uint64_t tx_id)
{
	uint16_t f = be16(m + 2);
	char buf[12];

	ps_jw_int(w, "version", 3);
	ps_jw_str(w, "type", (f & 0x8000) ? "response" : "request");
	ps_jw_uint(w, "tx_id", tx_id);
	ps_jw_uint(w, "id", be16(m));
	write_flags(w, f);
	if (f & 0x8000)
		ps_jw_bool(w, "qr", true);
	if (f & 0x0400)
		ps_jw_bool(w, "aa", true);
	if (f & 0x0200)
		ps_jw_bool(w, "tc", true);
	if (f & 0x0100)
		ps_jw_bool(w, "rd", true);
	if (f & 0x0080)
		ps_jw_bool(w, "ra", true);
	if (f & 0x0040)
		ps_jw_bool(w, "z", true);
	ps_jw_uint(w, "opcode", (f >> 11) & 0xf);
	ps_jw_str(w, "rcode", rcode_name(f & 0xf, buf));
}

/* Check the question section; returns the offset after it or 0. */
static size_t questions_check(struct ps_proto_ctx *c, const uint8_t *m,
			      size_t len, unsigned qd)
{
	struct dns_name n;
	size_t off = DNS_HDR_LEN;

	for (unsigned i = 0; i < qd; i++) {
		int rc = name_read(m, len, &off, &n);

		if (rc != NAME_OK) {
			ps_proto_anomaly(c, name_anomaly(rc));
			return 0;
		}
		if (len - off < 4) {
			ps_proto_anomaly(c, "dns_truncated");
			return 0;
		}
		off += 4;
	}
	return off;
}

static void write_queries(struct dns_msg *k, unsigned qd)
{
	struct dns_name n;
	size_t off = DNS_HDR_LEN;

	if (!qd)
		return;
	ps_jw_arr_open(k->w, "queries");
	for (unsigned i = 0; i < qd; i++) {
		(void)name_read(k->m, k->len, &off, &n);   /* checked before */
		if (n.trunc)
			ps_proto_anomaly(k->c, "dns_name_too_long");
		if (!budget(k)) {
			off += 4;
			continue;
		}
		ps_jw_obj_open(k->w, NULL);
		write_name(k->w, "rrname", "rrname_truncated", &n);
		write_type(k->w, "rrtype", be16(k->m + off));
		ps_jw_obj_close(k->w);
		/* questions of queries only: a response repeats them */
		if (!(be16(k->m + 2) & 0x8000))
			ps_proto_observe(k->c, PS_OBS_DNS_QUERY, n.s, n.len);
		off += 4;
	}
	ps_jw_arr_close(k->w);
}

/*
 * Parse and log one whole message. Returns PS_OK when an event was
 * written, PS_EPROTO when the header or the questions are unusable.
 */
static int dns_message(struct dns_state *s, struct ps_proto_ctx *c,
		       const uint8_t *m, size_t len)
{
	struct dns_msg k = {.m = m, .len = len, .c = c};

	if (len < DNS_HDR_LEN) {
		ps_proto_anomaly(c, "dns_truncated");
		return PS_EPROTO;
	}
	k.off = questions_check(c, m, len, be16(m + 4));
	if (!k.off)
		return PS_EPROTO;
	k.w = ps_proto_event_begin(c, "dns");
	ps_jw_obj_open(k.w, "dns");
	write_header(k.w, m, s->tx_id++);
	write_queries(&k, be16(m + 4));
	section(&k, "answers", be16(m + 6), false);
	section(&k, "authorities", be16(m + 8), false);
	section(&k, "additionals", be16(m + 10), true);
	if (k.opt)
		write_edns(&k, be16(m + 2));
	ps_jw_obj_close(k.w);
	ps_proto_event_end(c);
	if (!k.stop && k.off != len)
		ps_proto_anomaly(c, "dns_trailing_bytes");
	return PS_OK;
}

/* Count a message's fate; PS_EPROTO once the flow looks like no DNS. */
static int dns_account(struct dns_state *s, struct ps_proto_ctx *c, int rc,
		       uint32_t bad_max)
{
	if (rc == PS_OK) {
		s->good++;
		return PS_OK;
	}
	s->bad++;
	if (s->good == 0 && s->bad >= bad_max) {
		ps_proto_anomaly(c, "dns_not_dns");
		return PS_EPROTO;
	}
	return PS_OK;
}

/*
 * Structural check for content detection: a header whose counts fit the
 * bytes and a first question made of plain labels with a known class.
 * `complete` says the message is whole (no more bytes will come).
 */
#define DNS_PROBE_QD_MAX 64

static enum ps_probe probe_msg(const uint8_t *p, size_t len, bool complete)
{
	uint16_t f, qd, an, ns, ar, qtype, qclass;
	unsigned op;
	size_t off = DNS_HDR_LEN, wire = 1, min;
	bool mdns;

	if (len < DNS_HDR_LEN)
		return complete ? PS_PROBE_NO : PS_PROBE_MORE;
	f = be16(p + 2);
	qd = be16(p + 4);
	an = be16(p + 6);
	ns = be16(p + 8);
	ar = be16(p + 10);
	op = (f >> 11) & 0xf;
	/* RFC 6762 section 18.1: multicast DNS uses id 0; its queries carry
	 * known answers (7.1) and its announcements have no question (6),
	 * their first record's name and class standing in for one. */
	mdns = be16(p) == 0;
	if (op == 3 || op > 6 || (f & 0x0040))
		return PS_PROBE_NO;
	if (qd == 0 && !(mdns && (f & 0x8000) && op == 0 && an))
		return PS_PROBE_NO;
	if (!(f & 0x8000) && op == 0 &&
	    ((f & 0xf) || (!mdns && (an || ns || ar > 2))))
		return PS_PROBE_NO;
	min = DNS_HDR_LEN + (size_t)qd * 5 + ((size_t)an + ns + ar) * 11;
	if (complete && min > len)
		return PS_PROBE_NO;
	/* Unicast resolvers ask one question; mDNS (RFC 6762 section 5.3)
	 * batches many, so more than 4 must at least fit the bytes seen. */
	if (qd > 4 && (qd > DNS_PROBE_QD_MAX || min > len))
		return PS_PROBE_NO;
	for (;;) {
		if (off >= len)
			return complete ? PS_PROBE_NO : PS_PROBE_MORE;
		if (p[off] == 0)
			break;
		if (p[off] > 63 || (wire += p[off] + 1u) > DNS_NAME_MAX)
			return PS_PROBE_NO;
		off += 1u + p[off];
	}
	if (len - off < 5)
		return complete ? PS_PROBE_NO : PS_PROBE_MORE;
	qtype = be16(p + off + 1);
	qclass = be16(p + off + 3) & 0x7fff;    /* without mDNS's QU bit */
	/* Type 0 is reserved but seen (reflection tools send it). */
	(void)qtype;
	if (qclass != 1 && qclass != 3 && qclass != 4 && qclass != 254 &&
	    qclass != 255)
		return PS_PROBE_NO;
	return PS_PROBE_YES;
}

/* A message at the start of a UDP payload or behind a TCP length prefix. */
static enum ps_probe dns_probe(const uint8_t *data, size_t len, enum ps_dir dir)
{
	enum ps_probe udp, tcp = PS_PROBE_NO;
	size_t n;

	(void)dir;
	udp = probe_msg(data, len, false);
	if (udp == PS_PROBE_YES)
		return udp;
	if (len < 2) {
		tcp = PS_PROBE_MORE;
	} else {
		n = be16(data);
		if (n >= DNS_HDR_LEN + 5)
			tcp = probe_msg(data + 2, len - 2 < n ? len - 2 : n,
					len - 2 >= n);
	}
	if (tcp == PS_PROBE_YES)
		return tcp;
	return udp == PS_PROBE_MORE || tcp == PS_PROBE_MORE ? PS_PROBE_MORE :
							     PS_PROBE_NO;
}

static void tcp_reset(struct dns_tcp *t)
{
	t->need = t->have = t->skip = 0;
	t->npfx = 0;
	t->inmsg = false;
}

/* Make room for the pending message of t->need bytes. */
static int tcp_reserve(struct dns_tcp *t)
{
	uint8_t *nb;

	if (t->cap >= t->need)
		return PS_OK;
	nb = ps_realloc(PS_MEM_PROTO, t->buf, t->need);
	if (!nb)
		return PS_ENOMEM;
	t->buf = nb;
	t->cap = t->need;
	return PS_OK;
}

/* A whole message of n bytes from the stream: log it, account for it. */
static int tcp_message(struct dns_state *s, struct ps_proto_ctx *c,
		       struct dns_tcp *t, const uint8_t *m, size_t n)
{
	t->inmsg = false;
	t->need = t->have = 0;
	return dns_account(s, c, dns_message(s, c, m, n), 1);
}

/* Take (part of) the length prefix; returns the bytes used from data. */
static size_t tcp_prefix(struct dns_tcp *t, const uint8_t *data, size_t len)
{
	if (t->npfx == 0 && len >= 2) {
		t->need = be16(data);
		t->inmsg = true;
		return 2;
	}
	t->pfx[t->npfx++] = data[0];
	if (t->npfx == 2) {
		t->need = be16(t->pfx);
		t->npfx = 0;
		t->inmsg = true;
	}
	return 1;
}

/* Copy what data has of the pending message; returns the bytes used,
 * and through *done whether the message is now whole in t->buf. */
static size_t tcp_buffer(struct ps_proto_ctx *c, struct dns_tcp *t,
			 const uint8_t *data, size_t len, bool *done)
{
	size_t n = t->need - t->have;

	*done = false;
	if (t->have == 0 && tcp_reserve(t) != PS_OK) {
		ps_proto_anomaly(c, "dns_tcp_alloc_failed");
		t->skip = t->need;
		t->need = 0;
		t->inmsg = false;
		return 0;
	}
	if (n > len)
		n = len;
	memcpy(t->buf + t->have, data, n);
	t->have += (uint32_t)n;
	*done = t->have == t->need;
	return n;
}

/*
 * The TCP stream of one direction: length-prefixed messages (RFC 1035
 * section 4.2.2, RFC 7766 section 8), parsed in place when whole in the
 * chunk and copied into t->buf when split. The 16-bit prefix bounds the
 * buffer to 64 KiB.
 */
static int tcp_parse(struct dns_state *s, struct ps_proto_ctx *c,
		     struct dns_tcp *t, const uint8_t *data, size_t len)
{
	size_t n;
	bool done;
	int rc;

	while (len) {
		if (t->skip) {
			n = len < t->skip ? len : t->skip;
			t->skip -= (uint32_t)n;
		} else if (!t->inmsg) {
			if (t->lost && t->npfx == 0) {
				if (dns_probe(data, len, c->dir) != PS_PROBE_YES)
					return PS_OK;
				t->lost = false;
			}
			n = tcp_prefix(t, data, len);
		} else if (t->have == 0 && len >= t->need) {
			n = t->need;
			rc = tcp_message(s, c, t, data, n);
			if (rc)
				return rc;
		} else {
			n = tcp_buffer(c, t, data, len, &done);
			if (done && (rc = tcp_message(s, c, t, t->buf, t->need)))
				return rc;
		}
		data += n;
		len -= n;
	}
	/* a zero-length message completes without bytes of its own */
	if (t->inmsg && t->need == 0)
		return tcp_message(s, c, t, data, 0);
	return PS_OK;
}

static int dns_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     const uint8_t *data, size_t len)
{
	struct dns_state *s = state;

	if (c->flow->ip_proto == PS_IPPROTO_TCP)
		return tcp_parse(s, c, &s->tcp[dir & 1], data, len);
	return dns_account(s, c, dns_message(s, c, data, len), DNS_UDP_BAD_MAX);
}

/* Bytes were lost: drop the pending message and resynchronise on the
 * next chunk that starts like a length-prefixed message. */
static void dns_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		    size_t len)
{
	struct dns_state *s = state;
	struct dns_tcp *t = &s->tcp[dir & 1];

	(void)len;
	if (c->flow->ip_proto != PS_IPPROTO_TCP)
		return;
	ps_proto_anomaly(c, "dns_tcp_gap");
	tcp_reset(t);
	t->lost = true;
}

static void dns_finish(void *state, struct ps_proto_ctx *c)
{
	struct dns_state *s = state;

	for (int i = 0; i < 2; i++) {
		if (s->tcp[i].inmsg || s->tcp[i].npfx)
			ps_proto_anomaly(c, "dns_tcp_incomplete");
		ps_free(s->tcp[i].buf);
		s->tcp[i].buf = NULL;
		s->tcp[i].cap = 0;
	}
}

const struct ps_proto_parser ps_proto_dns = {
	.name = "dns",
	.id = PS_ALPROTO_DNS,
	.l4 = PS_PROTO_L4_TCP | PS_PROTO_L4_UDP,
	.ports = {53, 5353, 5355, 0},
	.probe = dns_probe,
	.state_size = sizeof(struct dns_state),
	.parse = dns_parse,
	.gap = dns_gap,
	.finish = dns_finish,
};
