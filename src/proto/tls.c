/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS parser: frames records (and an SSLv2-compatible first hello),
 * reassembles handshake messages across records and chunks, takes SNI,
 * ALPN, versions, JA3/JA3S/JA4 and the server's leaf certificate, and
 * writes one "tls" event per session. Once the handshake turns opaque
 * (ChangeCipherSpec, application data, TLS 1.3 after ServerHello) the
 * session is done and later bytes are ignored at the cost of one branch.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "core/core.h"
#include "proto/parsers.h"
#include "proto/tls.h"

/* RFC 5246 section 6.2.3: TLSCiphertext.length <= 2^14 + 2048. */
#define REC_MAX (16384u + 2048u)
#define HS_MAX (64u * 1024u)         /* any handshake message */
#define HS_CERT_MAX (256u * 1024u)   /* a Certificate message (whole chain) */
#define JA3_BUILD_MAX (256u * 1024u) /* a 64 KiB hello makes at most ~192 KiB */
#define JA3_KEEP_MAX (16u * 1024u)   /* longest JA3 string kept for the event */
#define ALPN_KEEP_MAX 512u
#define SNI_KEEP_MAX 255u            /* RFC 1035 names are shorter */
#define NAME_KEEP_MAX 2048u          /* subject, issuer */
#define SERIAL_KEEP_MAX 64u          /* RFC 5280 serials are <= 20 bytes */

/* Record content types (RFC 8446 section 5.1); SSLV2 is ours. */
enum {
	CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPDATA = 23,
	CT_HEARTBEAT = 24, CT_SSLV2 = 0x80,
};

/* Handshake types (RFC 8446 section 4); SSLV2_HELLO is ours. */
enum {
	HS_CLIENT_HELLO = 1, HS_SERVER_HELLO = 2, HS_CERTIFICATE = 11,
	HS_SERVER_HELLO_DONE = 14, HS_SSLV2_HELLO = 0x100,
};

/*
 * One direction's framing. Invariants: hdr_have <= 5; while hdr_have == 5
 * a record of type rec_type has rec_left body bytes to come; hs_have <=
 * hs_len once hs_hdr_have == 4; hs_buf holds hs_have bytes (hs_cap >=
 * hs_have) unless the message is being skipped or parsed in place.
 */
struct tls_dir {
	uint8_t hdr[5];
	uint8_t hdr_have;
	uint8_t rec_type;
	uint16_t rec_left;
	bool records;       /* a record was framed: SSLv2 no longer possible */
	bool opaque;        /* after ChangeCipherSpec: bodies are encrypted */
	bool lost;          /* a gap: no longer followed */
	bool hs_skip;       /* dropping the body of an unwanted message */
	uint8_t alert[2];   /* first alert of the current alert record */
	uint8_t alert_have;
	uint8_t hs_hdr[4];
	uint8_t hs_hdr_have;
	uint16_t hs_type;
	uint32_t hs_len;
	uint32_t hs_have;
	uint32_t hs_cap;
	uint8_t *hs_buf;
};

/* What the event reports about the server's first certificate. */
struct tls_cert {
	char *subject;
	char *issuer;
	uint8_t serial[SERIAL_KEEP_MAX];
	uint8_t serial_len;
	uint8_t sha1[20];
	char not_before[20];   /* "2016-08-04T00:00:00", "" if unknown */
	char not_after[20];
};

/* Per-flow state; heap fields are owned and released by tls_release(). */
struct tls_state {
	struct tls_dir d[2];
	bool done;           /* nothing more to learn: bytes are ignored */
	bool emitted;
	bool client_hello, server_hello, hrr, resumed;
	bool emitted_retry;  /* the first exchange's event says hello_retry */
	bool sslv2_client, sslv2_server;
	bool ja3_ok, ja3s_ok, ja4_ok;
	uint16_t version;    /* negotiated, from the ServerHello */
	uint8_t sid_len;
	uint8_t sid[32];     /* the client's session_id */
	uint8_t ja3[PS_TLS_MD5_LEN];
	uint8_t ja3s[PS_TLS_MD5_LEN];
	char ja4[PS_TLS_JA4_LEN + 1];
	uint16_t sni_len, calpn_len, salpn_len;
	uint32_t chain_len;
	char *ja3_str, *ja3s_str;
	uint8_t *sni, *calpn, *salpn;
	struct tls_cert *cert;
};

/* RFC 8446 section 4.1.3: a ServerHello with this random is a
 * HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
	0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool is_tls13(uint16_t v)
{
	return v == 0x0304 || (v & 0xff00) == 0x7f00 || (v & 0xff00) == 0xfb00;
}

/* ---- event --------------------------------------------------------------- */

/* Suricata's names (app-layer-ssl.c SSLVersionToString); buf is used for
 * the generated ones. */
static const char *version_str(uint16_t v, char buf[20])
{
	static const char hex[] = "0123456789abcdef";
	unsigned lo = v & 0xff;

	switch (v) {
	case 0: return "UNDETERMINED";
	case 0x0002: return "SSLv2";
	case 0x0300: return "SSLv3";
	case 0x0301: return "TLSv1";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	}
	if (v == 0x7f01)
		return "TLS 1.3 draft-<16";
	if (((v & 0xff00) == 0x7f00 && lo >= 16 && lo <= 28) ||
	    v == 0xfb14 || v == 0xfb15 || v == 0xfb16 || v == 0xfb17 ||
	    v == 0xfb1a) {
		memcpy(buf, "TLS 1.3 draft-", 14);
		buf[14] = (char)('0' + lo / 10);
		buf[15] = (char)('0' + lo % 10);
		if ((v & 0xff00) == 0xfb00)
			memcpy(buf + 16, "-fb", 4);
		else
			buf[16] = '\0';
		return buf;
	}
	buf[0] = '0';
	buf[1] = 'x';
	buf[2] = hex[v >> 12];
	buf[3] = hex[v >> 8 & 15];
	buf[4] = hex[v >> 4 & 15];
	buf[5] = hex[v & 15];
	buf[6] = '\0';
	return buf;
}

/* A kept protocol_name_list as a JSON array of strings. */
static void write_alpns(struct ps_jw *w, const char *key, const uint8_t *p,
			size_t n)
{
	size_t off = 0;

	if (p == NULL)
		return;
	ps_jw_arr_open(w, key);
	while (off < n && off + 1 + p[off] <= n) {
		ps_jw_strn(w, NULL, p + off + 1, p[off]);
		off += 1 + (size_t)p[off];
	}
	ps_jw_arr_close(w);
}

static void write_cert(struct ps_jw *w, const struct tls_cert *t)
{
	static const char hex[] = "0123456789ABCDEF";
	char serial[SERIAL_KEEP_MAX * 3];
	size_t i, n = 0;

	for (i = 0; i < t->serial_len; i++) {
		if (i)
			serial[n++] = ':';
		serial[n++] = hex[t->serial[i] >> 4];
		serial[n++] = hex[t->serial[i] & 15];
	}
	ps_jw_strn(w, "serial", serial, n);
	ps_jw_hexsep(w, "fingerprint", t->sha1, sizeof(t->sha1), ':');
}

static void write_ja3(struct ps_jw *w, const char *key, const uint8_t *md5,
		      const char *str)
{
	ps_jw_obj_open(w, key);
	ps_jw_hex(w, "hash", md5, PS_TLS_MD5_LEN);
	if (str)
		ps_jw_str(w, "string", str);
	ps_jw_obj_close(w);
}

/* The one "tls" event, in Suricata's field order; fields not seen are
 * left out. Does nothing when there is nothing to say or it was written. */
static void write_event(struct tls_state *s, struct ps_proto_ctx *c)
{
	const struct tls_cert *t = s->cert;
	struct ps_jw *w;
	char vbuf[20];

	if (s->emitted || !(s->client_hello || s->server_hello ||
			    s->sslv2_client || s->sslv2_server))
		return;
	s->emitted = true;
	w = ps_proto_event_begin(c, "tls");
	ps_jw_obj_open(w, "tls");
	if (t && t->subject)
		ps_jw_str(w, "subject", t->subject);
	if (t && t->issuer)
		ps_jw_str(w, "issuerdn", t->issuer);
	if (s->resumed)
		ps_jw_bool(w, "session_resumed", true);
	if (s->hrr && !s->emitted_retry) {
		ps_jw_bool(w, "hello_retry", true);
		s->emitted_retry = true;
	}
	if (t)
		write_cert(w, t);
	if (s->sni) {
		ps_jw_strn(w, "sni", s->sni, s->sni_len);
		ps_proto_observe(c, PS_OBS_TLS_SNI, s->sni, s->sni_len);
	}
	ps_jw_str(w, "version", version_str(s->sslv2_server ? 0x0002 :
					    s->version, vbuf));
	if (t && t->not_before[0])
		ps_jw_str(w, "notbefore", t->not_before);
	if (t && t->not_after[0])
		ps_jw_str(w, "notafter", t->not_after);
	if (s->ja3_ok) {
		write_ja3(w, "ja3", s->ja3, s->ja3_str);
		ps_proto_observe(c, PS_OBS_TLS_JA3, s->ja3, sizeof(s->ja3));
	}
	if (s->ja3s_ok)
		write_ja3(w, "ja3s", s->ja3s, s->ja3s_str);
	if (s->ja4_ok) {
		ps_jw_str(w, "ja4", s->ja4);
		ps_proto_observe(c, PS_OBS_TLS_JA4, s->ja4, strlen(s->ja4));
	}
	write_alpns(w, "client_alpns", s->calpn, s->calpn_len);
	write_alpns(w, "server_alpns", s->salpn, s->salpn_len);
	if (s->chain_len)
		ps_jw_uint(w, "chain_len", s->chain_len);
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

static void dir_release(struct tls_dir *d)
{
	ps_free(d->hs_buf);
	d->hs_buf = NULL;
	d->hs_cap = 0;
}

/* Free everything parse() allocated; safe to call more than once. */
static void tls_release(struct tls_state *s)
{
	dir_release(&s->d[0]);
	dir_release(&s->d[1]);
	ps_free(s->ja3_str);
	ps_free(s->ja3s_str);
	ps_free(s->sni);
	ps_free(s->calpn);
	ps_free(s->salpn);
	if (s->cert) {
		ps_free(s->cert->subject);
		ps_free(s->cert->issuer);
		ps_free(s->cert);
	}
	s->ja3_str = s->ja3s_str = NULL;
	s->sni = s->calpn = s->salpn = NULL;
	s->cert = NULL;
}

/* The handshake is as complete as it will be visible: write the event and
 * stop looking at the session's bytes. */
static void session_done(struct tls_state *s, struct ps_proto_ctx *c)
{
	write_event(s, c);
	s->done = true;
	tls_release(s);
}

/* ---- certificate --------------------------------------------------------- */

/* One DER element (X.690 section 8.1): a low tag number and a definite
 * length of at most 4 octets, inside what r has left. */
struct der {
	uint8_t tag;
	struct ps_slice all;    /* tag, length and contents */
	struct ps_slice body;   /* contents */
};

static bool der_next(struct ps_reader *r, struct der *e)
{
	size_t start = ps_reader_offset(r), len = 0;
	uint8_t l0, b, i;

	if (ps_reader_u8(r, &e->tag) || (e->tag & 0x1f) == 0x1f ||
	    ps_reader_u8(r, &l0))
		return false;
	if (l0 & 0x80) {
		if ((l0 & 0x7f) == 0 || (l0 & 0x7f) > 4)
			return false;
		for (i = 0; i < (l0 & 0x7f); i++) {
			if (ps_reader_u8(r, &b))
				return false;
			len = len << 8 | b;
		}
	} else {
		len = l0;
	}
	if (ps_reader_bytes(r, len, &e->body))
		return false;
	e->all = ps_slice_make(r->p + start, ps_reader_offset(r) - start);
	return true;
}

/* The next element, which must have tag `tag`. */
static bool der_expect(struct ps_reader *r, uint8_t tag, struct der *e)
{
	return der_next(r, e) && e->tag == tag;
}

/* Attribute types x509-parser abbreviates (what Suricata prints), by the
 * content octets of their OID. */
static const struct {
	uint8_t len;
	uint8_t oid[10];
	char name[6];
} attr_abbrev[] = {
	{3, {0x55, 0x04, 0x03}, "CN"}, {3, {0x55, 0x04, 0x06}, "C"},
	{3, {0x55, 0x04, 0x07}, "L"}, {3, {0x55, 0x04, 0x08}, "ST"},
	{3, {0x55, 0x04, 0x0a}, "O"}, {3, {0x55, 0x04, 0x0b}, "OU"},
	{10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19}, "DC"},
	{9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, "Email"},
};

/* An attribute type: the abbreviation, else the attribute's name
 * (OpenSSL's long name: serialNumber, jurisdictionCountryName...), else
 * the dotted OID. */
static int attr_key(struct ps_buf *b, const struct der *oid)
{
	const unsigned char *q = oid->all.p;
	ASN1_OBJECT *o;
	char txt[80];
	size_t i;
	int nid;

	for (i = 0; i < PS_ARRAY_LEN(attr_abbrev); i++)
		if (oid->body.len == attr_abbrev[i].len &&
		    !memcmp(oid->body.p, attr_abbrev[i].oid, oid->body.len))
			return ps_buf_addstr(b, attr_abbrev[i].name);
	o = d2i_ASN1_OBJECT(NULL, &q, (long)oid->all.len);
	nid = o ? OBJ_obj2nid(o) : NID_undef;
	if (nid != NID_undef && OBJ_nid2ln(nid) != NULL)
		snprintf(txt, sizeof(txt), "%s", OBJ_nid2ln(nid));
	else if (o == NULL || OBJ_obj2txt(txt, (int)sizeof(txt), o, 1) <= 0)
		snprintf(txt, sizeof(txt), "?");
	ASN1_OBJECT_free(o);
	ERR_clear_error();
	return ps_buf_addstr(b, txt);
}

/* Code point cp as UTF-8 (U+FFFD for surrogates and beyond U+10FFFF). */
static int add_utf8(struct ps_buf *b, uint32_t cp)
{
	uint8_t u[4];

	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80)
		return ps_buf_addch(b, (uint8_t)cp);
	if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return ps_buf_add(b, u, 2);
	}
	if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return ps_buf_add(b, u, 3);
	}
	u[0] = (uint8_t)(0xf0 | cp >> 18);
	u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
	u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	u[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return ps_buf_add(b, u, 4);
}

/* An attribute value: string types as their bytes (BMPString and
 * UniversalString converted to UTF-8), anything else as upper-case hex. */
static int attr_value(struct ps_buf *b, const struct der *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const uint8_t *p = v->body.p;
	size_t i, n = v->body.len;
	int rc = PS_OK;

	switch (v->tag) {
	case 0x0c: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16:
	case 0x19: case 0x1a: case 0x1b:   /* UTF8 Numeric Printable T61 ... */
		return n ? ps_buf_add(b, p, n) : PS_OK;
	case 0x1e:                          /* BMPString: UCS-2 */
		for (i = 0; i + 2 <= n && rc == PS_OK; i += 2)
			rc = add_utf8(b, (uint32_t)p[i] << 8 | p[i + 1]);
		return rc;
	case 0x1c:                          /* UniversalString: UCS-4 */
		for (i = 0; i + 4 <= n && rc == PS_OK; i += 4)
			rc = add_utf8(b, (uint32_t)p[i] << 24 |
				      (uint32_t)p[i + 1] << 16 |
				      (uint32_t)p[i + 2] << 8 | p[i + 3]);
		return rc;
	}
	for (i = 0; i < n && rc == PS_OK; i++) {
		rc = ps_buf_addch(b, (uint8_t)hex[p[i] >> 4]);
		if (rc == PS_OK)
			rc = ps_buf_addch(b, (uint8_t)hex[p[i] & 15]);
	}
	return rc;
}

/* One AttributeTypeAndValue: SEQUENCE { type OID, value ANY }. */
static int name_attr(struct ps_buf *b, const struct der *atv, bool *bad)
{
	struct der oid, val;
	struct ps_reader r;
	int rc;

	ps_reader_init(&r, atv->body.p, atv->body.len);
	if (atv->tag != 0x30 || !der_expect(&r, 0x06, &oid) ||
	    !der_next(&r, &val)) {
		*bad = true;
		return PS_OK;
	}
	rc = attr_key(b, &oid);
	if (rc == PS_OK)
		rc = ps_buf_addch(b, '=');
	return rc == PS_OK ? attr_value(b, &val) : rc;
}

/*
 * A Name (RFC 5280 section 4.1.2.4, the DER contents of its SEQUENCE) as
 * "C=US, O=Let's Encrypt, CN=R3": RDNs in certificate order joined by
 * ", ", the attributes of one RDN by " + " (x509-parser's to_string).
 * NULL when malformed or out of memory.
 */
static char *name_fmt(struct ps_slice name, struct ps_proto_ctx *c)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_PROTO, NAME_KEEP_MAX);
	struct ps_reader r, set;
	struct der rdn, atv;
	bool bad = false, first = true;
	int rc = PS_OK;
	char *out = NULL;

	ps_reader_init(&r, name.p, name.len);
	while (rc == PS_OK && !bad && ps_reader_left(&r)) {
		if (!der_expect(&r, 0x31, &rdn)) {
			bad = true;
			break;
		}
		ps_reader_init(&set, rdn.body.p, rdn.body.len);
		for (bool one = true; rc == PS_OK && !bad && ps_reader_left(&set);
		     one = false) {
			if (!der_next(&set, &atv)) {
				bad = true;
				break;
			}
			if (!first)
				rc = ps_buf_addstr(&b, one ? ", " : " + ");
			first = false;
			if (rc == PS_OK)
				rc = name_attr(&b, &atv, &bad);
		}
	}
	if (rc == PS_ELIMIT)
		ps_proto_anomaly(c, "tls_field_truncated");
	if (!bad && rc != PS_ENOMEM)
		out = ps_buf_take(&b, NULL);
	ps_buf_release(&b);
	return out;
}

/* Two decimal digits of v (0..99) at p. */
static void dec2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/* RFC 5280 Time as "YYYY-MM-DDTHH:MM:SS" (Suricata's notbefore). */
static void time_fmt(const ASN1_TIME *t, char out[20])
{
	struct tm tm;
	unsigned year;

	out[0] = '\0';
	if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return;
	}
	year = (unsigned)(tm.tm_year + 1900) % 10000;
	dec2(out, year / 100);
	dec2(out + 2, year % 100);
	out[4] = '-';
	dec2(out + 5, (unsigned)tm.tm_mon % 12 + 1);
	out[7] = '-';
	dec2(out + 8, (unsigned)tm.tm_mday % 100);
	out[10] = 'T';
	dec2(out + 11, (unsigned)tm.tm_hour % 100);
	out[13] = ':';
	dec2(out + 14, (unsigned)tm.tm_min % 100);
	out[16] = ':';
	dec2(out + 17, (unsigned)tm.tm_sec % 100);
	out[19] = '\0';
}

static void time_der(struct ps_slice der, char out[20])
{
	const unsigned char *q = der.p;
	ASN1_TIME *t = d2i_ASN1_TIME(NULL, &q, (long)der.len);

	time_fmt(t, out);
	ASN1_TIME_free(t);
}

/*
 * Walk Certificate and TBSCertificate (RFC 5280 section 4.1) to the
 * serial, issuer, validity and subject. d2i_X509 would also decode the
 * public key, which costs OpenSSL 3 about a million instructions.
 */
static bool cert_fields(struct ps_slice der, struct der *serial,
			struct der *issuer, struct der *validity,
			struct der *subject)
{
	struct der cert, tbs, e;
	struct ps_reader r;

	ps_reader_init(&r, der.p, der.len);
	if (!der_expect(&r, 0x30, &cert))
		return false;
	ps_reader_init(&r, cert.body.p, cert.body.len);
	if (!der_expect(&r, 0x30, &tbs) || !der_expect(&r, 0x30, &e) ||
	    !der_expect(&r, 0x03, &e))   /* signatureAlgorithm, signature */
		return false;
	ps_reader_init(&r, tbs.body.p, tbs.body.len);
	if (!der_next(&r, serial))
		return false;
	if (serial->tag == 0xa0 && !der_next(&r, serial))   /* [0] version */
		return false;
	return serial->tag == 0x02 && der_expect(&r, 0x30, &e) &&
	       der_expect(&r, 0x30, issuer) && der_expect(&r, 0x30, validity) &&
	       der_expect(&r, 0x30, subject);
}

/* Summarise the leaf certificate (DER, n bytes, already bounded). */
static void leaf_parse(struct tls_state *s, struct ps_proto_ctx *c,
		       const uint8_t *der, size_t n)
{
	struct der serial, issuer, validity, subject, nb, na;
	struct ps_reader r;
	struct tls_cert *t;

	if (!cert_fields(ps_slice_make(der, n), &serial, &issuer, &validity,
			 &subject)) {
		ps_proto_anomaly(c, "tls_invalid_certificate");
		return;
	}
	t = ps_calloc(PS_MEM_PROTO, 1, sizeof(*t));
	if (t == NULL) {
		ps_proto_anomaly(c, "tls_alloc_failed");
		return;
	}
	s->cert = t;
	/* x509-parser's raw_serial: the INTEGER's content octets */
	t->serial_len = (uint8_t)(serial.body.len < SERIAL_KEEP_MAX ?
				  serial.body.len : SERIAL_KEEP_MAX);
	if (t->serial_len)
		memcpy(t->serial, serial.body.p, t->serial_len);
	t->subject = name_fmt(subject.body, c);
	t->issuer = name_fmt(issuer.body, c);
	ps_reader_init(&r, validity.body.p, validity.body.len);
	if (der_next(&r, &nb) && der_next(&r, &na)) {
		time_der(nb.all, t->not_before);
		time_der(na.all, t->not_after);
	}
	if (t->subject == NULL || t->issuer == NULL || !t->not_before[0] ||
	    serial.body.len > SERIAL_KEEP_MAX)
		ps_proto_anomaly(c, "tls_invalid_certificate");
	if (ps_proto_tls_digest(PS_TLS_SHA1, der, n, t->sha1) != PS_OK)
		memset(t->sha1, 0, sizeof(t->sha1));
}

/* Certificate (RFC 5246 section 7.4.2): a u24 list of u24-prefixed DER
 * certificates, sender's first. TLS 1.3's is encrypted, never seen here. */
static void certificate(struct tls_state *s, struct ps_proto_ctx *c,
			const uint8_t *p, size_t n)
{
	struct ps_reader r, list;
	struct ps_slice der;
	uint32_t total, len;

	if (s->chain_len != 0 || is_tls13(s->version))
		return;
	ps_reader_init(&r, p, n);
	if (ps_reader_u24be(&r, &total) || total != ps_reader_left(&r) ||
	    ps_reader_sub(&r, total, &list)) {
		ps_proto_anomaly(c, "tls_invalid_certificate");
		return;
	}
	while (ps_reader_left(&list)) {
		if (ps_reader_u24be(&list, &len) ||
		    ps_reader_bytes(&list, len, &der)) {
			ps_proto_anomaly(c, "tls_invalid_certificate");
			break;
		}
		if (s->chain_len++ == 0)
			leaf_parse(s, c, der.p, der.len);
	}
}

/* ---- hellos -------------------------------------------------------------- */

/* Copy at most max bytes; NULL (and an anomaly) on failure. */
static uint8_t *keep(struct ps_proto_ctx *c, struct ps_slice v, size_t max,
		     uint16_t *len)
{
	uint8_t *p;

	if (v.len > max) {
		ps_proto_anomaly(c, "tls_field_truncated");
		v.len = max;
	}
	p = ps_memdup(PS_MEM_PROTO, v.p, v.len);
	if (p == NULL)
		ps_proto_anomaly(c, "tls_alloc_failed");
	*len = p ? (uint16_t)v.len : 0;
	return p;
}

/* An ALPN list cut to whole entries within ALPN_KEEP_MAX. */
static uint8_t *keep_alpn(struct ps_proto_ctx *c, struct ps_slice l,
			  uint16_t *len)
{
	size_t n = 0;

	while (n < l.len && n + 1 + l.p[n] <= ALPN_KEEP_MAX)
		n += 1 + (size_t)l.p[n];
	if (n < l.len)
		ps_proto_anomaly(c, "tls_field_truncated");
	l.len = n;
	if (n == 0)
		return NULL;
	return keep(c, l, ALPN_KEEP_MAX, len);
}

/* JA3 or JA3S into *md5 and, when short enough, a kept string. */
static bool fingerprint_ja3(struct ps_proto_ctx *c,
			    const struct ps_tls_hello *h, uint8_t *md5,
			    char **str)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_PROTO, JA3_BUILD_MAX);
	bool ok = ps_proto_tls_ja3(h, &b, md5) == PS_OK;

	if (ok && ps_buf_len(&b) <= JA3_KEEP_MAX)
		*str = ps_buf_take(&b, NULL);
	else if (ok)
		ps_proto_anomaly(c, "tls_field_truncated");
	ps_buf_release(&b);
	return ok;
}

/* Parse a hello; false (with an anomaly) when malformed. */
static bool hello_parse(struct ps_proto_ctx *c, struct ps_tls_hello *h,
			bool server, const uint8_t *p, size_t n)
{
	if (ps_proto_tls_hello_parse(h, server, p, n) != PS_OK) {
		ps_proto_anomaly(c, "tls_invalid_handshake");
		return false;
	}
	if (h->bad_ext || h->trailing)
		ps_proto_anomaly(c, "tls_invalid_handshake");
	return true;
}

static void client_hello(struct tls_state *s, struct ps_proto_ctx *c,
			 const uint8_t *p, size_t n)
{
	struct ps_tls_hello h;

	if (s->client_hello || !hello_parse(c, &h, false, p, n))
		return;   /* only the first (a second follows a HelloRetry) */
	s->client_hello = true;
	s->sid_len = (uint8_t)h.session_id.len;
	if (s->sid_len)
		memcpy(s->sid, h.session_id.p, s->sid_len);
	if (h.sni.len)
		s->sni = keep(c, h.sni, SNI_KEEP_MAX, &s->sni_len);
	if (h.alpn.len)
		s->calpn = keep_alpn(c, h.alpn, &s->calpn_len);
	s->ja3_ok = fingerprint_ja3(c, &h, s->ja3, &s->ja3_str);
	s->ja4_ok = ps_proto_tls_ja4(&h, 't', s->ja4, NULL) == PS_OK;
}

/*
 * A HelloRetryRequest (RFC 8446 section 4.1.4): the first exchange is
 * complete as far as it goes, so it gets its own event (with the retry's
 * JA3S), and the second ClientHello and the real ServerHello start over.
 * Each ClientHello is a fingerprint of its own, as tshark lists them.
 */
static void hello_retry(struct tls_state *s, struct ps_proto_ctx *c,
			const struct ps_tls_hello *h)
{
	s->hrr = true;
	s->server_hello = true;
	s->version = h->has_versions && h->selected_version ?
		     h->selected_version : h->version;
	s->ja3s_ok = fingerprint_ja3(c, h, s->ja3s, &s->ja3s_str);
	write_event(s, c);
	s->emitted = false;
	s->client_hello = s->server_hello = false;
	s->ja3_ok = s->ja3s_ok = s->ja4_ok = false;
	s->version = 0;
	ps_free(s->ja3_str);
	ps_free(s->ja3s_str);
	ps_free(s->sni);
	ps_free(s->calpn);
	s->ja3_str = s->ja3s_str = NULL;
	s->sni = s->calpn = NULL;
	s->sni_len = s->calpn_len = 0;
}

static void server_hello(struct tls_state *s, struct ps_proto_ctx *c,
			 const uint8_t *p, size_t n)
{
	struct ps_tls_hello h;

	if (s->server_hello || !hello_parse(c, &h, true, p, n))
		return;
	if (!memcmp(h.random.p, hrr_random, sizeof(hrr_random)) && !s->hrr) {
		hello_retry(s, c, &h);
		return;
	}
	s->server_hello = true;
	s->version = h.has_versions && h.selected_version ?
		     h.selected_version : h.version;
	if (h.alpn.len)
		s->salpn = keep_alpn(c, h.alpn, &s->salpn_len);
	s->ja3s_ok = fingerprint_ja3(c, &h, s->ja3s, &s->ja3s_str);
	/* RFC 5246 section 7.4.1.3: the client's session_id echoed back
	 * resumes that session (TLS 1.3 echoes it for compatibility only). */
	if (!is_tls13(s->version) && s->sid_len &&
	    h.session_id.len == s->sid_len &&
	    !memcmp(h.session_id.p, s->sid, s->sid_len))
		s->resumed = true;
	if (is_tls13(s->version))
		session_done(s, c);
}

/* SSLv2 CLIENT-HELLO after its msg_type and version (RFC 6101 appendix
 * E.1, draft-hickman-netscape-ssl): three u16 lengths, then the data. */
static void sslv2_hello(struct tls_state *s, struct ps_proto_ctx *c,
			const uint8_t *p, size_t n)
{
	struct ps_reader r;
	uint16_t ncs, nsid, nch;

	ps_reader_init(&r, p, n);
	if (ps_reader_u16be(&r, &ncs) || ps_reader_u16be(&r, &nsid) ||
	    ps_reader_u16be(&r, &nch) || ncs % 3 ||
	    (size_t)ncs + nsid + nch != ps_reader_left(&r)) {
		ps_proto_anomaly(c, "tls_invalid_handshake");
		return;
	}
	s->sslv2_client = true;
}

/* ---- handshake messages -------------------------------------------------- */

/* Whether a message is worth buffering; an unexpected type for the
 * direction is an anomaly. */
static bool hs_wanted(struct tls_state *s, struct ps_proto_ctx *c,
		      enum ps_dir dir, uint16_t type)
{
	if (dir == PS_DIR_TOSERVER) {
		if (type == HS_SERVER_HELLO || type == HS_SERVER_HELLO_DONE) {
			ps_proto_anomaly(c, "tls_invalid_handshake");
			return false;
		}
		return (type == HS_CLIENT_HELLO && !s->client_hello) ||
		       type == HS_SSLV2_HELLO;
	}
	if (type == HS_CLIENT_HELLO) {
		ps_proto_anomaly(c, "tls_invalid_handshake");
		return false;
	}
	return type == HS_SERVER_HELLO || type == HS_SERVER_HELLO_DONE ||
	       (type == HS_CERTIFICATE && s->chain_len == 0);
}

static void hs_message(struct tls_state *s, struct ps_proto_ctx *c,
		       uint16_t type, const uint8_t *p, size_t n)
{
	switch (type) {
	case HS_CLIENT_HELLO:
		client_hello(s, c, p, n);
		break;
	case HS_SERVER_HELLO:
		server_hello(s, c, p, n);
		break;
	case HS_CERTIFICATE:
		certificate(s, c, p, n);
		break;
	case HS_SERVER_HELLO_DONE:
		session_done(s, c);
		break;
	case HS_SSLV2_HELLO:
		sslv2_hello(s, c, p, n);
		break;
	}
}

/* A message header is complete: decide to keep, skip or refuse it. */
static void hs_start(struct tls_state *s, struct ps_proto_ctx *c,
		     enum ps_dir dir)
{
	struct tls_dir *d = &s->d[dir];
	uint32_t cap = d->hs_type == HS_CERTIFICATE ? HS_CERT_MAX : HS_MAX;

	d->hs_have = 0;
	d->hs_skip = !hs_wanted(s, c, dir, d->hs_type);
	if (d->hs_len > cap) {
		ps_proto_anomaly(c, "tls_handshake_too_large");
		d->hs_skip = true;
	}
}

/* Append to the partial message, growing the buffer geometrically up to
 * the announced (already capped) length. */
static bool hs_append(struct tls_dir *d, struct ps_proto_ctx *c,
		      const uint8_t *p, uint32_t n)
{
	uint32_t need = d->hs_have + n, cap;
	uint8_t *nb;

	if (need > d->hs_cap) {
		cap = d->hs_cap < 2048 ? 4096 : d->hs_cap * 2;
		if (cap < need)
			cap = need;
		if (cap > d->hs_len)
			cap = d->hs_len;
		nb = ps_realloc(PS_MEM_PROTO, d->hs_buf, cap);
		if (nb == NULL) {
			ps_proto_anomaly(c, "tls_alloc_failed");
			return false;
		}
		d->hs_buf = nb;
		d->hs_cap = cap;
	}
	memcpy(d->hs_buf + d->hs_have, p, n);
	return true;
}

/*
 * Consume body bytes of the current message; returns how many. A message
 * that arrives whole is parsed in place, otherwise it is buffered.
 */
static size_t hs_body(struct tls_state *s, struct ps_proto_ctx *c,
		      enum ps_dir dir, const uint8_t *p, size_t n)
{
	struct tls_dir *d = &s->d[dir];
	uint32_t want = d->hs_len - d->hs_have;
	uint32_t take = n < want ? (uint32_t)n : want;

	if (!d->hs_skip && d->hs_have == 0 && take == d->hs_len) {
		d->hs_have = take;
		hs_message(s, c, d->hs_type, p, take);
		return take;
	}
	if (!d->hs_skip && !hs_append(d, c, p, take))
		d->hs_skip = true;
	d->hs_have += take;
	if (d->hs_have == d->hs_len && !d->hs_skip)
		hs_message(s, c, d->hs_type, d->hs_buf, d->hs_len);
	return take;
}

/* Feed handshake-protocol bytes (the bodies of handshake records). */
static void hs_feed(struct tls_state *s, struct ps_proto_ctx *c,
		    enum ps_dir dir, const uint8_t *p, size_t n)
{
	struct tls_dir *d = &s->d[dir];
	size_t take;

	while (!s->done) {
		if (d->hs_hdr_have < 4) {
			if (n == 0)
				return;
			take = 4u - d->hs_hdr_have;
			take = n < take ? n : take;
			memcpy(d->hs_hdr + d->hs_hdr_have, p, take);
			d->hs_hdr_have += (uint8_t)take;
			p += take;
			n -= take;
			if (d->hs_hdr_have < 4)
				return;
			d->hs_type = d->hs_hdr[0];
			d->hs_len = (uint32_t)d->hs_hdr[1] << 16 |
				    (uint32_t)d->hs_hdr[2] << 8 | d->hs_hdr[3];
			hs_start(s, c, dir);
			if (d->hs_len == 0 && !d->hs_skip)
				hs_message(s, c, d->hs_type, p, 0);
		} else if (d->hs_have < d->hs_len) {
			if (n == 0)
				return;
			take = hs_body(s, c, dir, p, n);
			p += take;
			n -= take;
		}
		if (d->hs_have == d->hs_len)
			d->hs_hdr_have = 0;   /* next message */
	}
}

/* ---- records ------------------------------------------------------------- */

/*
 * The first bytes of a direction have the SSLv2 two-byte header (high bit
 * set): a CLIENT-HELLO (type 1) whose body is buffered as a pseudo
 * handshake message, or a SERVER-HELLO (type 4), which settles SSLv2.
 */
static int sslv2_begin(struct tls_state *s, struct ps_proto_ctx *c,
		       enum ps_dir dir)
{
	struct tls_dir *d = &s->d[dir];
	const uint8_t *h = d->hdr;
	uint16_t len = (uint16_t)((h[0] & 0x7f) << 8 | h[1]);
	bool v_ok = (h[3] == 0 && h[4] == 2) || (h[3] == 3 && h[4] <= 4);

	if (dir == PS_DIR_TOCLIENT && h[2] == 4 && len >= 3) {
		s->sslv2_server = true;
		session_done(s, c);
		return PS_OK;
	}
	if (dir != PS_DIR_TOSERVER || h[2] != 1 || !v_ok || len < 9) {
		ps_proto_anomaly(c, "tls_invalid_record");
		return PS_EPROTO;
	}
	d->records = true;
	d->rec_type = CT_SSLV2;
	d->rec_left = (uint16_t)(len - 3);
	d->hs_type = HS_SSLV2_HELLO;
	d->hs_len = d->rec_left;
	d->hs_hdr_have = 4;
	hs_start(s, c, dir);
	return PS_OK;
}

/* A plaintext record header is complete (RFC 8446 section 5.1). */
static int record_begin(struct tls_state *s, struct ps_proto_ctx *c,
			enum ps_dir dir)
{
	struct tls_dir *d = &s->d[dir];
	const uint8_t *h = d->hdr;
	uint16_t len = be16(h + 3);

	if (!d->records && (h[0] & 0x80))
		return sslv2_begin(s, c, dir);
	d->records = true;
	if (h[0] < CT_CCS || h[0] > CT_HEARTBEAT || h[1] != 3 || h[2] > 4 ||
	    len > REC_MAX) {
		ps_proto_anomaly(c, "tls_invalid_record");
		return PS_EPROTO;
	}
	d->rec_type = h[0];
	d->rec_left = len;
	if (d->opaque)
		return PS_OK;
	if (h[0] != CT_HANDSHAKE && d->hs_hdr_have) {
		/* RFC 8446 section 5.1: no interleaving inside a message */
		ps_proto_anomaly(c, "tls_invalid_handshake");
		d->hs_hdr_have = 0;
	}
	/* RFC 8446 appendix D.4: a server may send a compatibility CCS right
	 * after a HelloRetryRequest; its ServerHello still follows in clear. */
	if (h[0] == CT_CCS && dir == PS_DIR_TOCLIENT && s->hrr &&
	    !s->server_hello)
		return PS_OK;
	/* ... and the client one before its second ClientHello. */
	if (h[0] == CT_CCS && dir == PS_DIR_TOSERVER && s->hrr &&
	    !s->client_hello)
		return PS_OK;
	if (h[0] == CT_CCS || h[0] == CT_APPDATA)
		d->opaque = true;
	/* The server starts encrypting: nothing more is visible. */
	if (dir == PS_DIR_TOCLIENT && (h[0] == CT_CCS || h[0] == CT_APPDATA))
		session_done(s, c);
	d->alert_have = 0;
	return PS_OK;
}

/* Alert bytes in clear (RFC 8446 section 6): a fatal alert or a
 * close_notify ends the handshake; warnings (unrecognized_name...) don't. */
static void alert_feed(struct tls_state *s, struct ps_proto_ctx *c,
		       struct tls_dir *d, const uint8_t *p, size_t n)
{
	while (n && d->alert_have < 2) {
		d->alert[d->alert_have++] = *p++;
		n--;
	}
	if (d->alert_have == 2 && (d->alert[0] == 2 || d->alert[1] == 0))
		session_done(s, c);
}

static int tls_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     const uint8_t *data, size_t len)
{
	struct tls_state *s = state;
	struct tls_dir *d;
	size_t off = 0, take;
	int rc;

	if ((unsigned)dir > PS_DIR_TOCLIENT)
		return PS_EINVAL;
	d = &s->d[dir];
	while (off < len && !s->done && !d->lost) {
		if (d->hdr_have < 5) {
			take = 5u - d->hdr_have;
			take = len - off < take ? len - off : take;
			memcpy(d->hdr + d->hdr_have, data + off, take);
			d->hdr_have += (uint8_t)take;
			off += take;
			if (d->hdr_have < 5)
				break;
			rc = record_begin(s, c, dir);
			if (rc != PS_OK)
				return rc;
		} else {
			take = len - off < d->rec_left ? len - off : d->rec_left;
			if (!d->opaque && (d->rec_type == CT_HANDSHAKE ||
					   d->rec_type == CT_SSLV2))
				hs_feed(s, c, dir, data + off, take);
			else if (!d->opaque && d->rec_type == CT_ALERT)
				alert_feed(s, c, d, data + off, take);
			off += take;
			d->rec_left = (uint16_t)(d->rec_left - take);
		}
		if (d->hdr_have == 5 && d->rec_left == 0)
			d->hdr_have = 0;
	}
	return PS_OK;
}

static void tls_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		    size_t len)
{
	struct tls_state *s = state;
	struct tls_dir *d;

	(void)len;
	if ((unsigned)dir > PS_DIR_TOCLIENT)
		return;
	d = &s->d[dir];
	if (s->done || d->lost)
		return;
	/* Record framing cannot be recovered after lost bytes. */
	if (!d->opaque)
		ps_proto_anomaly(c, "tls_stream_gap");
	d->lost = true;
	dir_release(d);
}

static void tls_finish(void *state, struct ps_proto_ctx *c)
{
	struct tls_state *s = state;

	write_event(s, c);
	s->done = true;
	tls_release(s);
}

/*
 * Content detection: a handshake record (version 3.0 to 3.4) carrying a
 * ClientHello to the server or a ServerHello to the client, or an SSLv2
 * CLIENT-HELLO with an SSL 2.0 or 3.x version.
 */
static enum ps_probe tls_probe(const uint8_t *p, size_t n, enum ps_dir dir)
{
	if (n == 0)
		return PS_PROBE_MORE;
	if (p[0] == CT_HANDSHAKE) {
		if ((n >= 2 && p[1] != 3) || (n >= 3 && p[2] > 4))
			return PS_PROBE_NO;
		if (n < 6)
			return PS_PROBE_MORE;
		if (be16(p + 3) == 0 || be16(p + 3) > REC_MAX)
			return PS_PROBE_NO;
		return p[5] == (dir == PS_DIR_TOSERVER ? HS_CLIENT_HELLO :
				HS_SERVER_HELLO) ? PS_PROBE_YES : PS_PROBE_NO;
	}
	if (dir != PS_DIR_TOSERVER || !(p[0] & 0x80))
		return PS_PROBE_NO;
	if (n < 5)
		return n >= 3 && p[2] != 1 ? PS_PROBE_NO : PS_PROBE_MORE;
	if (p[2] != 1 || ((p[0] & 0x7f) << 8 | p[1]) < 9)
		return PS_PROBE_NO;
	return (p[3] == 0 && p[4] == 2) || (p[3] == 3 && p[4] <= 4) ?
	       PS_PROBE_YES : PS_PROBE_NO;
}

const struct ps_proto_parser ps_proto_tls = {
	.name = "tls",
	.id = PS_ALPROTO_TLS,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {443, 465, 993, 995, 636, 853, 8443, 0},
	.probe = tls_probe,
	.state_size = sizeof(struct tls_state),
	.parse = tls_parse,
	.gap = tls_gap,
	.finish = tls_finish,
};
